package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.sink.jdbc.dialect.WriteTimeoutException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

class PostgresSocketFactoryTest {

  /** A peer that accepts and never reads, as a database behind a vanished network looks. */
  private static ServerSocket silentPeer() throws Exception {
    ServerSocket peer = new ServerSocket();
    peer.setReceiveBufferSize(16 * 1024);
    peer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return peer;
  }

  @Test
  void aWriteThatSendsNothingForTheSocketTimeoutFailsAndClosesTheSocket() throws Exception {
    try (ServerSocket peer = silentPeer();
        Socket socket = new PostgresSocketFactory().createSocket()) {
      socket.connect(peer.getLocalSocketAddress(), 1_000);
      try (Socket accepted = peer.accept()) {
        socket.setSoTimeout(500);
        OutputStream out = socket.getOutputStream();
        byte[] block = new byte[1 << 20];
        long start = System.nanoTime();

        assertThatThrownBy(
                () -> {
                  for (int i = 0; i < 256; i++) {
                    out.write(block); // far more than both sockets buffer
                  }
                })
            .isInstanceOf(WriteTimeoutException.class)
            .hasMessage("Write timed out: the database accepted no data for 500 ms");

        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(Duration.ofMillis(500))
            .isLessThan(Duration.ofSeconds(5));
        assertThat(socket.isClosed()).isTrue();
      }
    }
  }

  @Test
  void writesThatTheNetworkTakesAreNotTouched() throws Exception {
    try (ServerSocket peer = silentPeer();
        Socket socket = new PostgresSocketFactory().createSocket()) {
      socket.connect(peer.getLocalSocketAddress(), 1_000);
      try (Socket accepted = peer.accept()) {
        socket.setSoTimeout(200);
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 50; i++) {
          out.write(new byte[100]); // each fits in the buffers at once
          Thread.sleep(10);
        }
        assertThat(accepted.getInputStream().readNBytes(5_000)).hasSize(5_000);
        assertThat(socket.isClosed()).isFalse();
      }
    }
  }

  @Test
  void keepaliveProbesStartAfterAMinuteOfSilence() throws Exception {
    try (ServerSocket peer = silentPeer();
        Socket socket =
            new PostgresSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), peer.getLocalPort())) {
      if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
        assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
        assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(15);
        assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(4);
      }
      assertThat(socket.isConnected()).isTrue();
    }
  }
}
