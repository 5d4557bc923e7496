package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.sink.jdbc.dialect.WriteTimeoutException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * The sockets of every connection the sink opens to PostgreSQL, named in pgjdbc's {@code
 * socketFactory} property ({@link PostgresDialect#connectionProperties}). Two things the driver
 * cannot do on its own:
 *
 * <ul>
 *   <li><b>Writes are bounded like reads.</b> pgjdbc's {@code socketTimeout} is the socket's {@code
 *       SO_TIMEOUT}, which the JDK applies to reads only. A {@code COPY} chunk or a large batch is
 *       written while the database reads it; when the network vanishes without a reset, the write
 *       blocks until TCP gives up (about 15 minutes on Linux: {@code tcp_retries2}), or forever
 *       while a live peer keeps its window closed. A write that sends nothing for the socket's
 *       {@code SO_TIMEOUT} closes the socket and fails with {@link WriteTimeoutException}. The
 *       bound follows whatever the driver set ({@code Connection.setNetworkTimeout} included), and
 *       a timeout of 0 leaves writes unbounded too.
 *   <li><b>Keepalive probes start after {@value #KEEPALIVE_IDLE_SECONDS} s</b> of silence (every
 *       {@value #KEEPALIVE_INTERVAL_SECONDS} s, {@value #KEEPALIVE_PROBES} probes), not after the
 *       operating system's two hours: a connection waiting on a long statement keeps its state in
 *       NATs and cloud load balancers (whose idle timeouts start at about four minutes), and a dead
 *       peer is noticed within about two minutes. They only run where {@code tcpKeepAlive} is on.
 * </ul>
 *
 * <p>pgjdbc instantiates this class by name for each connection; the watch over writes is one
 * daemon thread for the JVM. Where the JVM cannot set a keepalive option, the system's value stays.
 */
public final class PostgresSocketFactory extends SocketFactory {

  static final int KEEPALIVE_IDLE_SECONDS = 60;
  static final int KEEPALIVE_INTERVAL_SECONDS = 15;
  static final int KEEPALIVE_PROBES = 4;

  /** Closes the socket of a write that has not returned within its timeout. */
  private static final ScheduledThreadPoolExecutor WRITE_WATCH = writeWatch();

  private static ScheduledThreadPoolExecutor writeWatch() {
    ScheduledThreadPoolExecutor watch =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t = new Thread(task, "tidemark-sink-write-watch");
              t.setDaemon(true);
              return t;
            });
    // Nearly every write returns at once and cancels its task: keep the queue empty.
    watch.setRemoveOnCancelPolicy(true);
    return watch;
  }

  /** pgjdbc calls this constructor. */
  public PostgresSocketFactory() {}

  @Override
  public Socket createSocket() {
    return new WatchedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(SocketAddress remote, SocketAddress local) throws IOException {
    Socket socket = new WatchedSocket();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** A socket whose writes give up after its {@code SO_TIMEOUT}, with tuned keepalive probes. */
  private static final class WatchedSocket extends Socket {
    private volatile boolean writeTimedOut;
    private OutputStream output;

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      super.connect(endpoint, timeout);
      setIfSupported(ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
      setIfSupported(ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
      setIfSupported(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
    }

    private void setIfSupported(SocketOption<Integer> option, int value) throws IOException {
      if (supportedOptions().contains(option)) {
        setOption(option, value);
      }
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (output == null) {
        output = new WatchedOutput(super.getOutputStream());
      }
      return output;
    }

    private void closeStalled() {
      writeTimedOut = true;
      try {
        close(); // wakes the blocked writer with a SocketException
      } catch (IOException e) {
        // closed already: the writer has its exception either way
      }
    }

    private final class WatchedOutput extends FilterOutputStream {
      WatchedOutput(OutputStream out) {
        super(out);
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        int timeoutMillis = getSoTimeout();
        if (timeoutMillis <= 0) {
          out.write(b, off, len);
          return;
        }
        ScheduledFuture<?> watch =
            WRITE_WATCH.schedule(
                WatchedSocket.this::closeStalled, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          if (writeTimedOut) {
            throw timedOut(timeoutMillis, e);
          }
          throw e;
        } finally {
          watch.cancel(false);
        }
        if (writeTimedOut) {
          throw timedOut(timeoutMillis, null); // the write returned as the watch closed the socket
        }
      }

      private WriteTimeoutException timedOut(int timeoutMillis, IOException cause) {
        WriteTimeoutException timeout =
            new WriteTimeoutException(
                "Write timed out: the database accepted no data for " + timeoutMillis + " ms");
        timeout.initCause(cause);
        return timeout;
      }
    }
  }
}
