package io.tidemark.sink.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of the test database that can make the network of its open
 * connections vanish silently, as a cut cable, a NAT or firewall that dropped the connection's
 * state, or a failover to another host does: {@link #blackHoleOpenConnections} stops forwarding in
 * both directions and stops reading, but closes nothing, so neither side sees a reset or an end of
 * stream; connections opened afterwards are forwarded as usual.
 *
 * <p>The integration tests' {@code TcpProxy} cuts with a reset, which a driver notices at once;
 * this one tests what nothing notices. Its client-side receive buffer is small, so that a client
 * writing into a black hole blocks after a little data, as it would once TCP's window closes.
 * Threads are daemons and end with {@link #close()}. Thread-safe.
 */
public final class BlackHoleProxy implements AutoCloseable {

  /** Receive buffer of the client-facing sockets. */
  private static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private BlackHoleProxy(String targetHost, int targetPort) throws IOException {
    this.target = new InetSocketAddress(targetHost, targetPort);
    this.listener = new ServerSocket();
    listener.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER); // inherited by accepted sockets
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    Thread acceptor = new Thread(this::acceptLoop, "black-hole-proxy-" + port() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy to {@code targetHost:targetPort} on a free loopback port. */
  public static BlackHoleProxy start(String targetHost, int targetPort) {
    try {
      return new BlackHoleProxy(targetHost, targetPort);
    } catch (IOException e) {
      throw new IllegalStateException("Could not open a proxy port on 127.0.0.1: " + e, e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** A JDBC URL for the {@code postgres} database through this proxy, with extra parameters. */
  public String jdbcUrl(String parameters) {
    return "jdbc:postgresql://127.0.0.1:"
        + port()
        + "/postgres"
        + (parameters.isEmpty() ? "" : "?" + parameters);
  }

  /**
   * From now on, nothing moves on the connections open now, in either direction, and nothing is
   * read from their sockets; they stay open. Returns how many connections went silent.
   */
  public int blackHoleOpenConnections() {
    int n = 0;
    for (Link link : links) {
      link.blackHoled = true;
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing left to release
    }
    links.forEach(Link::close);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        Link link = new Link(client, upstream);
        links.add(link);
        link.start(port());
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("black-hole proxy stopped accepting", e);
        }
      }
    }
  }

  /** One proxied connection: two pumps that stop for good once it is black-holed. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private volatile boolean blackHoled;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start(int port) {
      String name = "black-hole-proxy-" + port + "-" + client.getPort();
      pump(name + "-up", client, upstream);
      pump(name + "-down", upstream, client);
    }

    private void pump(String name, Socket from, Socket to) {
      Thread pump =
          new Thread(
              () -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  int read;
                  while (!blackHoled && (read = in.read(buffer)) >= 0) {
                    if (blackHoled) {
                      break; // what was read when the network vanished is lost with it
                    }
                    out.write(buffer, 0, read);
                  }
                  if (blackHoled) {
                    awaitClose();
                  }
                } catch (IOException e) {
                  // the proxy closed, or a side went away: the link is over
                } finally {
                  if (!blackHoled) {
                    close();
                  }
                }
              },
              name);
      pump.setDaemon(true);
      pump.start();
    }

    /** A black-holed pump neither reads nor closes: the peer must see nothing at all. */
    private void awaitClose() {
      synchronized (this) {
        while (!closed && !client.isClosed()) {
          try {
            wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }

    private void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
