package dev.crater.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages between the nodes sharing one PostgreSQL, through its LISTEN/NOTIFY: what one node
 * changed that the others hold in memory (a revoked token, a changed user) or must pass on (trade-
 * data changes for their sockets). A notification sent inside a transaction is delivered when it
 * commits, and notifications reach every listener in commit order. One thread per node listens on a
 * connection of its own; a lost connection is reopened (every {@link #RETRY_MS}) and each channel's
 * {@code resync} runs then, since what was sent meanwhile is lost. A node ignores its own messages.
 * On the embedded store there is one node, and nothing is sent.
 */
public final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** PostgreSQL's limit is 8,000 bytes per payload; a message is refused above this (senders split theirs). */
    public static final int PAYLOAD_CHARS_MAX = 7_000;
    /** How long one wait for notifications lasts, and the wait before reopening a lost connection. */
    static final int POLL_MS = 250;
    static final long RETRY_MS = 1_000;

    private record Channel(Consumer<String> handler, Runnable resync) {
    }

    private final Database db;
    private final String node = UUID.randomUUID().toString();
    private final Map<String, List<Channel>> channels = new ConcurrentHashMap<>();
    /**
     * Appended to every channel's name on the wire: PostgreSQL's channels are per database, and two
     * stores may be schemas of one database (tests do that; so may a broker's staging and production).
     * A hash of the store's schema, so nodes of one store hear each other and no one else.
     */
    private volatile String scope;
    private volatile boolean running = true;
    private Thread thread;

    private Notifications(Database db) {
        this.db = db;
    }

    /** For the store's nodes: on PostgreSQL it listens once {@link #start}ed; on the embedded store a no-op. */
    public static Notifications open(Database db) {
        return new Notifications(db);
    }

    /** Starts listening on every channel subscribed so far (call once, after the subscriptions). */
    public synchronized void start() {
        if (db.dialect() == Database.Dialect.POSTGRES && thread == null) {
            thread = Thread.ofPlatform().daemon().name("pg-notifications").start(this::listen);
        }
    }

    /** This node's id in its messages. */
    public String node() {
        return node;
    }

    /** Whether other nodes can hear this one (a shared store). */
    public boolean shared() {
        return db.dialect() == Database.Dialect.POSTGRES;
    }

    /**
     * Calls {@code handler} with each message other nodes send on {@code channel} (a lowercase
     * identifier), on the listening thread (it must not block), and {@code resync} after the
     * connection was lost and reopened.
     */
    public void subscribe(String channel, Consumer<String> handler, Runnable resync) {
        channels.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(new Channel(handler, resync));
    }

    /** Sends {@code payload} to the other nodes now (its own short transaction). */
    public void publish(String channel, String payload) {
        if (!shared()) {
            return;
        }
        try {
            db.jdbi().useHandle(h -> h.createQuery("SELECT pg_notify(:c, :p)").bind("c", channel + scope())
                    .bind("p", message(payload)).mapTo(String.class).findOne());
        } catch (RuntimeException e) {
            LOG.warn("notification on {} not sent: {}", channel, e.toString());
        }
    }

    /** Sends {@code payload} inside the caller's transaction on {@code c}: delivered when it commits. */
    public void publish(Connection c, String channel, String payload) throws SQLException {
        if (!shared()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel + scope());
            ps.setString(2, message(payload));
            ps.execute();
        }
    }

    private String message(String payload) {
        if (payload.length() > PAYLOAD_CHARS_MAX) {
            throw new IllegalArgumentException("notification payload of " + payload.length() + " chars; at most "
                    + PAYLOAD_CHARS_MAX);
        }
        return node + "|" + payload;
    }

    private void listen() {
        boolean first = true;
        while (running) {
            try (Connection c = db.unpooledConnection()) {
                try (Statement st = c.createStatement()) {
                    for (String channel : channels.keySet()) {
                        st.execute("LISTEN " + channel + scope());
                    }
                }
                if (!first) {
                    channels.values().forEach(list -> list.forEach(ch -> ch.resync().run()));
                }
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] got = pg.getNotifications(POLL_MS);
                    if (got == null) {
                        continue;
                    }
                    for (PGNotification n : got) {
                        String name = n.getName();
                        if (name.endsWith(scope())) {
                            deliver(name.substring(0, name.length() - scope().length()), n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("listening for other nodes failed; reopening in {} ms: {}", RETRY_MS, e.toString());
                first = false;
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** {@link #scope}: {@code _} and 12 hex digits of the SHA-256 of the store's schema name. */
    private String scope() {
        String s = scope;
        if (s == null) {
            String schema = db.jdbi().withHandle(h -> h.createQuery("SELECT current_schema()").mapTo(String.class)
                    .one());
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(schema.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                s = "_" + java.util.HexFormat.of().formatHex(d, 0, 6);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every Java platform", e);
            }
            scope = s;
        }
        return s;
    }

    private void deliver(String channel, String message) {
        int bar = message.indexOf('|');
        if (bar < 0 || message.substring(0, bar).equals(node)) {
            return;
        }
        String payload = message.substring(bar + 1);
        for (Channel ch : channels.getOrDefault(channel, List.of())) {
            try {
                ch.handler().accept(payload);
            } catch (RuntimeException e) {
                LOG.warn("notification on {} failed: {}", channel, e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
