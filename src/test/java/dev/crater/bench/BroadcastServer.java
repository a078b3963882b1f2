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
 * work, then {@code Thread.sleep(tickMs)}. Like Crater's quotes ({@code Market.quoteAt}), every key's
 * value changes once a second, at the key's own phase of the second when Crater's are phased (a tick
 * below one second, {@code Market.phaseMs}), else at each whole second: each tick builds one message
 * per key whose quote second changed since the last tick (a copy of a real Crater quote message with
 * {@code Key}, the three times and the bid and ask sizes replaced, so the same size and shape; the
 * sizes are Crater's own draws for that security and second, {@code Market.size};
 * {@code TradeCondition} carries the tick's start in epoch µs, for the load generator's cross-check)
 * and offers it to every connection subscribed to the key.</li>
 * <li>Each connection has Crater's writer model: one virtual thread sends from a pending map under a
 * lock, latest value per key (conflated), notified on each offer.</li>
 * </ul>
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.BroadcastServer PORT TICK_MS TEMPLATE_FILE KEYS_FILE
 * </pre>
 *
 * {@code TEMPLATE_FILE} holds one quote message as Crater sent it; {@code KEYS_FILE} is what
 * {@code BenchUsers} writes (the seed, whether quotes are phased, each security's path key). Prints {@code listening on 127.0.0.1:PORT}.
 */
public final class BroadcastServer {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Map<Integer, Set<Conn>> watchers = new ConcurrentHashMap<>();
    private final String template;
    private final long tickMs;
    private final StreamLoad.Changes changes;
    /** Each key's quote second last broadcast (the ticker's own). */
    private final Map<Integer, Long> lastIndex = new java.util.HashMap<>();

    private BroadcastServer(String template, long tickMs, StreamLoad.Changes changes) {
        this.template = template;
        this.tickMs = tickMs;
        this.changes = changes;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long tickMs = Long.parseLong(args[1]);
        String template = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).trim();
        BroadcastServer b = new BroadcastServer(template, tickMs, StreamLoad.Changes.read(Path.of(args[3])));
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
        while (true) {
            Instant start = Instant.now();
            broadcast(start.toEpochMilli(), start.getEpochSecond() * 1_000_000 + start.getNano() / 1000);
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void broadcast(long nowMs, long tickUs) {
        for (Map.Entry<Integer, Set<Conn>> e : watchers.entrySet()) {
            int key = e.getKey();
            long index = changes.known(key) ? changes.index(key, nowMs) : Math.floorDiv(nowMs, 1000);
            Long last = lastIndex.put(key, index);
            if (last != null && last == index) {
                continue;
            }
            String msg = message(key, index, TIME.format(Instant.ofEpochSecond(index)), tickUs);
            for (Conn c : e.getValue()) {
                c.offer(key, msg);
            }
        }
    }

    /**
     * The template with this key, quote second and time: string replacements of the values Crater varies per
     * key and slot (times, sizes); and the tick's start (epoch µs) in {@code TradeCondition}, empty in Crater's messages, so
     * the load generator can check its tick-to-receipt method against the exact figure (16 characters more).
     */
    String message(int key, long index, String time, long tickUs) {
        String m = replaceValue(template, "Key", Integer.toString(key));
        if (changes.known(key)) {
            m = replaceValue(m, "BidSize", Long.toString(changes.size(key, index, false)));
            m = replaceValue(m, "AskSize", Long.toString(changes.size(key, index, true)));
        }
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
