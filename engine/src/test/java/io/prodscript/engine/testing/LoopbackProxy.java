package io.prodscript.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy on 127.0.0.1 in front of the test server that a test tells how to misbehave once: when the client sends
 * a message containing a trigger text (say {@code COMMIT}), the proxy cuts the connection after or instead of
 * forwarding it, or stops passing the server's answers on (a half-open connection). Until then, and for every
 * connection after the one it cut, it passes bytes both ways unchanged.
 */
public final class LoopbackProxy implements AutoCloseable {
    /** What happens to the connection whose client sends the trigger. */
    public enum Fault {
        /** The message reaches the server, then the connection is cut before the answer comes back. */
        CUT_AFTER_FORWARDING,
        /** The connection is cut instead of forwarding the message. */
        CUT_INSTEAD_OF_FORWARDING,
        /** The message reaches the server, but no answer ever comes back; the connection stays open. */
        SWALLOW_ANSWERS
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Server sides whose answers are dropped. */
    private final List<Socket> swallowed = new CopyOnWriteArrayList<>();
    private final CountDownLatch triggered = new CountDownLatch(1);
    private volatile byte[] trigger;
    private volatile Fault fault;
    private volatile boolean refuseAfterFault;
    /** Set before the cut when {@link #thenRefuseConnections()} asked for it: from then on no connection gets through. */
    private volatile boolean refusing;

    private LoopbackProxy(ServerSocket listener, int serverPort) {
        this.listener = listener;
        this.serverPort = serverPort;
    }

    /** Starts a proxy to the test server. */
    public static LoopbackProxy start(int serverPort) throws IOException {
        LoopbackProxy proxy = new LoopbackProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), serverPort);
        Thread accept = new Thread(proxy::acceptLoop, "loopback-proxy-accept");
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    /** Misbehaves once, on the first client message containing {@code text}. */
    public LoopbackProxy on(String text, Fault value) {
        fault = value;
        trigger = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** After the fault, refuses every new connection: the database cannot be reached any more. */
    public LoopbackProxy thenRefuseConnections() {
        refuseAfterFault = true;
        return this;
    }

    public boolean triggered() {
        return triggered.getCount() == 0;
    }

    /** A JDBC URL for the given database through this proxy. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/" + database;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    // Closing the listener from another thread does not stop it at once: the thread blocked in accept()
                    // keeps the listening socket open until it returns, and on a busy machine a client reconnecting
                    // right after the cut is accepted first. Such a connection must not reach the server.
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                sockets.add(client);
                sockets.add(server);
                pump("loopback-proxy-up", client, server, true);
                pump("loopback-proxy-down", server, client, false);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(String name, Socket from, Socket to, boolean fromClient) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                boolean silenced = false;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    byte[] text = trigger;
                    if (fromClient && text != null && contains(buffer, n, text)) {
                        trigger = null;
                        silenced = misbehave(from, to, buffer, n, out);
                        if (!silenced) {
                            return;
                        }
                    } else if (!silenced && !(!fromClient && swallowing(from))) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                if (!silenced && !swallowing(fromClient ? to : from)) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                // one side went away; the other pump notices by itself
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private boolean swallowing(Socket server) {
        return swallowed.contains(server);
    }

    /** @return whether the connection stays open with nothing passing any more (a half-open connection) */
    private boolean misbehave(Socket client, Socket server, byte[] buffer, int n, OutputStream toServer) throws IOException {
        if (refuseAfterFault) {
            // before the cut, so that no reconnection slips in (acceptLoop turns away any the listener still queued)
            refusing = true;
            listener.close();
        }
        switch (fault) {
            case CUT_AFTER_FORWARDING -> {
                swallowed.add(server); // not one byte of the answer may reach the client
                toServer.write(buffer, 0, n);
                toServer.flush();
                // FIN after the data: the server reads the whole message, then sees its client gone.
                server.shutdownOutput();
                client.close();
            }
            case CUT_INSTEAD_OF_FORWARDING -> {
                server.shutdownOutput();
                client.close();
            }
            case SWALLOW_ANSWERS -> {
                swallowed.add(server);
                toServer.write(buffer, 0, n);
                toServer.flush();
            }
        }
        triggered.countDown();
        return fault == Fault.SWALLOW_ANSWERS;
    }

    private static boolean contains(byte[] buffer, int length, byte[] text) {
        outer:
        for (int i = 0; i + text.length <= length; i++) {
            for (int j = 0; j < text.length; j++) {
                if (buffer[i + j] != text[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        quietly(listener::close);
        for (Socket socket : sockets) {
            quietly(socket::close);
        }
    }
}
