package dev.crater.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The load generator's WebSocket client for the quote sessions of {@code bench/streaming.sh}: plain
 * NIO sockets read by {@link #READERS} selector threads, frames parsed in place, each text message
 * handed to a {@link Sink} as bytes with its receipt time. Crater and the baseline get the same
 * client. Why not java.net.http's: on this 2-core machine it took about 5.6 µs of CPU per message
 * (1.1 cores at 200,000 messages/s), which starved both servers of the cores they share with it; a
 * load generator should cost as little as it can. It answers pings (the servers ping a socket silent
 * for 20 s) and reads close frames; it sends nothing else after the subscribe. Not part of the product.
 */
final class LeanClient implements AutoCloseable {
    /** Selector threads reading the sessions. */
    static final int READERS = 2;
    /** A session's read buffer; it grows for a longer frame (none of a quote streamer's is). */
    static final int BUFFER_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Receives each whole text message of a session: {@code buf[from..to)}, received at {@code atUs}. */
    interface Sink {
        void text(Conn conn, byte[] buf, int from, int to, long atUs);
    }

    private final Reader[] readers = new Reader[READERS];
    private final java.util.function.LongSupplier clockUs;
    private int next;

    LeanClient(java.util.function.LongSupplier clockUs) throws IOException {
        this.clockUs = clockUs;
        for (int i = 0; i < READERS; i++) {
            readers[i] = new Reader();
            Thread.ofPlatform().daemon().name("lean-reader-" + i).start(readers[i]);
        }
    }

    /** One session: connected, upgraded, its first message read (blocking), then read by a selector thread. */
    final class Conn implements AutoCloseable {
        final SocketChannel ch;
        final Sink sink;
        ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
        volatile boolean closed;

        Conn(String url, Sink sink) throws IOException {
            this.sink = sink;
            URI u = URI.create(url);
            ch = SocketChannel.open(new InetSocketAddress(u.getHost(), u.getPort()));
            ch.socket().setTcpNoDelay(true);
            byte[] key = new byte[16];
            RANDOM.nextBytes(key);
            String request = "GET " + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            // Headers up to the blank line; what follows stays in the buffer.
            while (true) {
                if (ch.read(in) < 0) {
                    throw new IOException("closed during the upgrade");
                }
                int end = indexOf(in.array(), 0, in.position(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (end >= 0) {
                    String head = new String(in.array(), 0, end, StandardCharsets.US_ASCII);
                    if (!head.startsWith("HTTP/1.1 101")) {
                        throw new IOException("no upgrade: " + head.lines().findFirst().orElse(""));
                    }
                    int rest = in.position() - end - 4;
                    System.arraycopy(in.array(), end + 4, in.array(), 0, rest);
                    in.position(rest);
                    break;
                }
            }
        }

        /** Reads (blocking) until the first text message; returns it. Call before {@link #start}. */
        String first() throws IOException {
            while (true) {
                String[] got = new String[1];
                parse((c, b, f, t, at) -> {
                    if (got[0] == null) {
                        got[0] = new String(b, f, t - f, StandardCharsets.UTF_8);
                    }
                }, 1);
                if (got[0] != null) {
                    return got[0];
                }
                if (ch.read(in) < 0) {
                    throw new IOException("closed before the first message");
                }
            }
        }

        /** Sends a text message (masked, as a client must). */
        void send(String text) throws IOException {
            writeFully(ByteBuffer.wrap(frame(0x1, text.getBytes(StandardCharsets.UTF_8))));
        }

        /** Hands the session to a selector thread. */
        void start() throws IOException {
            ch.configureBlocking(false);
            Reader r;
            synchronized (LeanClient.this) {
                r = readers[next++ % READERS];
            }
            r.add(this);
        }

        private void writeFully(ByteBuffer b) throws IOException {
            synchronized (this) {
                while (b.hasRemaining()) {
                    if (ch.write(b) == 0) {
                        Thread.onSpinWait();
                    }
                }
            }
        }

        /**
         * Parses the whole frames in the buffer (at most {@code max}): text to {@code s}, pings
         * answered, a close closes. Keeps a partial frame at the buffer's start.
         */
        void parse(Sink s, int max) throws IOException {
            byte[] b = in.array();
            int pos = 0;
            int end = in.position();
            int done = 0;
            while (done < max && end - pos >= 2) {
                int op = b[pos] & 0x0F;
                int len7 = b[pos + 1] & 0x7F;
                int head = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
                if (end - pos < head) {
                    break;
                }
                long len = len7 < 126 ? len7 : len7 == 126 ? ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF) : 0;
                if (len7 == 127) {
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | (b[pos + 2 + i] & 0xFF);
                    }
                }
                if (len > Integer.MAX_VALUE - head) {
                    throw new IOException("frame too long");
                }
                int whole = head + (int) len;
                if (end - pos < whole) {
                    if (whole > b.length) {
                        ByteBuffer bigger = ByteBuffer.allocate(whole);
                        bigger.put(b, pos, end - pos);
                        in = bigger;
                        return;
                    }
                    break;
                }
                int from = pos + head;
                if (op == 0x1 || op == 0x0) {
                    s.text(this, b, from, from + (int) len, clockUs.getAsLong());
                    done++;
                } else if (op == 0x9) {
                    byte[] payload = java.util.Arrays.copyOfRange(b, from, from + (int) len);
                    writeFully(ByteBuffer.wrap(frame(0xA, payload)));
                } else if (op == 0x8) {
                    closed = true;
                }
                pos += whole;
            }
            System.arraycopy(b, pos, b, 0, end - pos);
            in.position(end - pos);
        }

        @Override
        public void close() {
            closed = true;
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A masked client frame (FIN set). */
    static byte[] frame(int op, byte[] payload) {
        int n = payload.length;
        int head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
        byte[] f = new byte[head + 4 + n];
        f[0] = (byte) (0x80 | op);
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65_536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        System.arraycopy(mask, 0, f, head, 4);
        for (int i = 0; i < n; i++) {
            f[head + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    /** The first index of {@code p} in {@code b[from..to)}, or -1. */
    static int indexOf(byte[] b, int from, int to, byte[] p) {
        outer:
        for (int i = from; i <= to - p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (b[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    Conn connect(String url, Sink sink) throws IOException {
        return new Conn(url, sink);
    }

    private static final class Reader implements Runnable {
        final Selector selector;
        final ConcurrentLinkedQueue<Conn> added = new ConcurrentLinkedQueue<>();

        Reader() throws IOException {
            selector = Selector.open();
        }

        void add(Conn c) {
            added.add(c);
            selector.wakeup();
        }

        @Override
        public void run() {
            while (true) {
                try {
                    selector.select(100);
                    for (Conn c; (c = added.poll()) != null; ) {
                        c.ch.register(selector, SelectionKey.OP_READ, c);
                        // What the blocking part read beyond the first message.
                        c.parse(c.sink, Integer.MAX_VALUE);
                    }
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        Conn c = (Conn) k.attachment();
                        try {
                            int n = c.ch.read(c.in);
                            if (n < 0 || c.closed) {
                                k.cancel();
                                c.close();
                                continue;
                            }
                            c.parse(c.sink, Integer.MAX_VALUE);
                        } catch (IOException | RuntimeException e) {
                            k.cancel();
                            c.close();
                        }
                    }
                } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                    return;
                } catch (RuntimeException e) {
                    // a cancelled key or a closed channel: go on with the others
                }
            }
        }
    }

    @Override
    public void close() {
        for (Reader r : readers) {
            try {
                r.selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
