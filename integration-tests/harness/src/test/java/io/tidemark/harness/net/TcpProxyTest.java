package io.tidemark.harness.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

  @Test
  void proxyForwardsBytesBothWays() throws Exception {
    byte[] sent = new byte[200_000];
    new Random(42).nextBytes(sent);
    try (EchoServer echo = new EchoServer();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.port());
        Socket socket = connect(proxy)) {

      byte[] received = exchange(socket, sent);

      assertThat(received).isEqualTo(sent);
      assertThat(proxy.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void cutResetsOpenConnectionsDropsNewOnesAndThenRecovers() throws Exception {
    Duration cut = Duration.ofMillis(800);
    try (EchoServer echo = new EchoServer();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.port());
        Socket before = connect(proxy)) {
      assertThat(exchange(before, "before".getBytes())).isEqualTo("before".getBytes());

      long cutAt = System.nanoTime();
      proxy.cutFor(cut);

      assertThat(isClosedByPeer(before)).as("open connection ended by the cut").isTrue();
      try (Socket during = connect(proxy)) {
        assertThat(isClosedByPeer(during)).as("new connection dropped during the cut").isTrue();
      }
      TimeUnit.NANOSECONDS.sleep(cut.toNanos() - (System.nanoTime() - cutAt) + 50_000_000);
      try (Socket after = connect(proxy)) {
        assertThat(exchange(after, "after".getBytes())).isEqualTo("after".getBytes());
      }
      assertThat(proxy.cuts()).isEqualTo(1);
    }
  }

  @Test
  void delayHoldsBytesBothWaysWithoutLosingThemAndEndsWithHeal() throws Exception {
    Duration latency = Duration.ofMillis(300);
    try (EchoServer echo = new EchoServer();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.port());
        Socket socket = connect(proxy)) {
      assertThat(exchange(socket, "warm".getBytes())).isEqualTo("warm".getBytes());

      proxy.delayFor(Duration.ofSeconds(30), latency);
      long started = System.nanoTime();
      byte[] delayed = exchange(socket, "slow".getBytes());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      proxy.heal();
      long healedAt = System.nanoTime();
      byte[] after = exchange(socket, "fast".getBytes());
      long afterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAt);

      assertThat(delayed).isEqualTo("slow".getBytes());
      assertThat(tookMillis)
          .as("a round trip pays the latency each way")
          .isGreaterThanOrEqualTo(600);
      assertThat(after).isEqualTo("fast".getBytes());
      assertThat(afterMillis).as("no latency after heal").isLessThan(300);
      assertThat(proxy.openConnections()).as("the delay cut nothing").isEqualTo(1);
    }
  }

  @Test
  void aBlackHoleSilencesOpenConnectionsWithoutClosingThemAndLetsNewOnesThrough() throws Exception {
    try (EchoServer echo = new EchoServer();
        TcpProxy proxy = TcpProxy.startWithSmallWindow("127.0.0.1", echo.port());
        Socket before = connect(proxy)) {
      assertThat(exchange(before, "before".getBytes())).isEqualTo("before".getBytes());

      assertThat(proxy.blackHoleOpenConnections()).isEqualTo(1);
      before.setSoTimeout(500);
      before.getOutputStream().write("lost".getBytes());

      assertThatThrownBy(() -> before.getInputStream().read())
          .as("no answer, no reset, no end of stream: only a timeout")
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(proxy.openConnections()).as("the silenced connection stays open").isEqualTo(1);
      try (Socket after = connect(proxy)) {
        assertThat(exchange(after, "after".getBytes())).isEqualTo("after".getBytes());
      }
    }
  }

  private static Socket connect(TcpProxy proxy) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static byte[] exchange(Socket socket, byte[] sent) throws IOException {
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    Thread writer =
        new Thread(
            () -> {
              try {
                out.write(sent);
                out.flush();
              } catch (IOException e) {
                // the read below fails too
              }
            });
    writer.start();
    return in.readNBytes(sent.length);
  }

  /** Whether the peer closes or resets the connection within the socket's timeout. */
  private static boolean isClosedByPeer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** Echoes every byte back, on as many connections as come. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    EchoServer() throws IOException {
      Thread acceptor =
          new Thread(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    Socket socket = listener.accept();
                    Thread echo =
                        new Thread(
                            () -> {
                              try (socket) {
                                socket.getInputStream().transferTo(socket.getOutputStream());
                              } catch (IOException e) {
                                // the test closed or the proxy reset the connection
                              }
                            });
                    echo.setDaemon(true);
                    echo.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
