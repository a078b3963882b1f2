package dev.crater.bench;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The baseline of {@code bench/streaming.sh}: a bare Helidon SE 4 WebSocket broadcast server doing
 * what a quote streamer must do at the least, and nothing of Crater's work (no login, no session ids,
 * no market, no JSON encoding per socket). Not part of the product.
 *
 * <ul>
 * <li>{@code /CreateSession.txt}: a {@link WsListener} per connection; the first frame is
 * {@code {"Cmd":"CreateSession.txt","StatusCode":"Ok","SessionId":"…"}} whatever the query says;
 * {@code Subscribe.txt} commands register their {@code Keys} (nothing else of the command is read).</li>
 * <li>A platform thread named {@code market-ticker} runs the same loop as Crater's market ticker:
 * work, then {@code Thread.sleep(tickMs)}. Like Crater's quotes, which change at most once per market
 * second ({@code Market.quoteAt} is to the second), every key's value changes once per wall-clock
 * second: the first tick of a new second builds one message per key (a copy of a real Crater quote
 * message, {@code Key} and the three times replaced, so the same size and shape; {@code TradeCondition}
 * carries the tick's start in epoch µs, for the load generator's cross-check) and offers it to
 * every connection subscribed to the key.</li>
 * <li>Each connection has Crater's writer model: one virtual thread sends from a pending map under a
 * lock, latest value per key (conflated), notified on each offer.</li>
 * </ul>
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.BroadcastServer PORT TICK_MS TEMPLATE_FILE
 * </pre>
 *
 * {@code TEMPLATE_FILE} holds one quote message as Crater sent it. Prints {@code listening on 127.0.0.1:PORT}.
 */
public final class BroadcastServer {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Map<Integer, Set<Conn>> watchers = new ConcurrentHashMap<>();
    private final String template;
    private final long tickMs;

    private BroadcastServer(String template, long tickMs) {
        this.template = template;
        this.tickMs = tickMs;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long tickMs = Long.parseLong(args[1]);
        String template = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).trim();
        BroadcastServer b = new BroadcastServer(template, tickMs);
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .addRouting(WsRouting.builder().endpoint("/CreateSession.txt", () -> b.new Conn()))
                .build()
                .start();
        Thread.ofPlatform().daemon().name("market-ticker").start(b::tickLoop);
        System.out.println("listening on 127.0.0.1:" + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private void tickLoop() {
        long lastSecond = 0;
        while (true) {
            Instant start = Instant.now();
            long second = start.getEpochSecond();
            if (second != lastSecond) {
                lastSecond = second;
                broadcast(second, start.getEpochSecond() * 1_000_000 + start.getNano() / 1000);
            }
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void broadcast(long second, long tickUs) {
        String time = TIME.format(Instant.ofEpochSecond(second));
        for (Map.Entry<Integer, Set<Conn>> e : watchers.entrySet()) {
            String msg = message(e.getKey(), time, tickUs);
            for (Conn c : e.getValue()) {
                c.offer(e.getKey(), msg);
            }
        }
    }

    /**
     * The template with this key and time: string replacements of the values Crater varies per key and
     * second; and the tick's start (epoch µs) in {@code TradeCondition}, empty in Crater's messages, so
     * the load generator can check its tick-to-receipt method against the exact figure (16 characters more).
     */
    String message(int key, String time, long tickUs) {
        String m = replaceValue(template, "Key", Integer.toString(key));
        m = replaceValue(m, "TradeCondition", Long.toString(tickUs));
        for (String f : new String[] {"AskTime", "BidTime", "Date"}) {
            m = replaceValue(m, f, time);
        }
        return m;
    }

    static String replaceValue(String json, String field, String value) {
        String k = "\"" + field + "\":\"";
        int i = json.indexOf(k);
        if (i < 0) {
            return json;
        }
        int start = i + k.length();
        int end = json.indexOf('"', start);
        return json.substring(0, start) + value + json.substring(end);
    }

    private final class Conn implements WsListener {
        private final Object lock = new Object();
        private final LinkedHashMap<Integer, String> pending = new LinkedHashMap<>();
        private final List<Integer> keys = new ArrayList<>();
        private String control;
        private boolean closed;
        private WsSession session;

        @Override
        public void onOpen(WsSession session) {
            this.session = session;
            synchronized (lock) {
                control = "{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Ok\",\"SessionId\":\"" + java.util.UUID.randomUUID() + "\"}";
            }
            Thread.ofVirtual().name("broadcast-writer").start(this::write);
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            String k = "\"Keys\":\"";
            int i = text.indexOf(k);
            if (i < 0 || !text.contains("Subscribe.txt")) {
                return;
            }
            int end = text.indexOf('"', i + k.length());
            for (String raw : text.substring(i + k.length(), end).split(";")) {
                if (!raw.isBlank()) {
                    int key = Integer.parseInt(raw.trim());
                    synchronized (lock) {
                        keys.add(key);
                    }
                    watchers.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(this);
                }
            }
        }

        void offer(int key, String msg) {
            synchronized (lock) {
                if (!closed) {
                    pending.put(key, msg);
                    lock.notifyAll();
                }
            }
        }

        private void write() {
            try {
                while (true) {
                    String frame;
                    synchronized (lock) {
                        while (control == null && pending.isEmpty() && !closed) {
                            lock.wait();
                        }
                        if (closed) {
                            return;
                        }
                        if (control != null) {
                            frame = control;
                            control = null;
                        } else {
                            Iterator<Map.Entry<Integer, String>> it = pending.entrySet().iterator();
                            frame = it.next().getValue();
                            it.remove();
                        }
                    }
                    session.send(frame, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                end();
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            end();
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            end();
        }

        private void end() {
            List<Integer> mine;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                pending.clear();
                lock.notifyAll();
                mine = new ArrayList<>(keys);
            }
            for (Integer key : mine) {
                watchers.computeIfPresent(key, (x, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
