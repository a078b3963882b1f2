package dev.crater.market;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The stored sandbox state of the simulated market: operator events per security and the clock
 * offset. Every change bumps the version in {@code market_control}, which every node polls.
 */
public final class MarketControlStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<MarketEvent.Point>> POINTS = new TypeReference<>() {
    };

    /** The version, the clock offset and all events, read in one transaction. */
    public record State(long version, long clockOffsetMs, List<MarketEvent> events) {
    }

    private final Database db;

    public MarketControlStore(Database db) {
        this.db = db;
    }

    public long version() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM market_control WHERE id = 1")
                .mapTo(Long.class).one());
    }

    public State state() {
        return db.jdbi().inTransaction(h -> {
            var row = h.createQuery("SELECT version, clock_offset_ms FROM market_control WHERE id = 1")
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one();
            List<MarketEvent> events = h.createQuery("SELECT * FROM market_events ORDER BY starts_at_ms, id")
                    .map((rs, ctx) -> new MarketEvent(rs.getLong("id"), rs.getInt("security_id"),
                            MarketEvent.Kind.valueOf(rs.getString("kind")), rs.getLong("starts_at_ms"),
                            nullableLong(rs, "ends_at_ms"),
                            rs.getString("price") == null ? null : new BigDecimal(rs.getString("price")),
                            points(rs.getString("points"))))
                    .list();
            return new State(row[0], row[1], events);
        });
    }

    private static Long nullableLong(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static List<MarketEvent.Point> points(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, POINTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored path points are unreadable", e);
        }
    }

    private static void bump(Handle h) {
        h.createUpdate("UPDATE market_control SET version = version + 1 WHERE id = 1").execute();
    }

    public void add(MarketEvent e, long nowMs) {
        String points;
        try {
            points = e.points().isEmpty() ? null : JSON.writeValueAsString(e.points());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        db.jdbi().useTransaction(h -> {
            long count = h.createQuery("SELECT COUNT(*) FROM market_events WHERE security_id = :s")
                    .bind("s", e.securityId()).mapTo(Long.class).one();
            if (count >= MarketEvent.EVENTS_PER_SECURITY_MAX) {
                throw new IllegalArgumentException("a security has at most " + MarketEvent.EVENTS_PER_SECURITY_MAX
                        + " market events; clear them first");
            }
            h.createUpdate("""
                    INSERT INTO market_events (security_id, kind, starts_at_ms, ends_at_ms, price, points, created_at_ms)
                    VALUES (:s, :kind, :starts, :ends, :price, :points, :now)""")
                    .bind("s", e.securityId())
                    .bind("kind", e.kind().name())
                    .bind("starts", e.startsAtMs())
                    .bind("ends", e.endsAtMs())
                    .bind("price", db.decimal(e.price()))
                    .bind("points", points)
                    .bind("now", nowMs)
                    .execute();
            bump(h);
        });
    }

    /** Ends the security's open halt at {@code atMs}; false when none is open. */
    public boolean resume(int securityId, long atMs) {
        return db.jdbi().inTransaction(h -> {
            Optional<Long> open = h.createQuery("""
                    SELECT id FROM market_events WHERE security_id = :s AND kind = 'HALT' AND ends_at_ms IS NULL
                    ORDER BY starts_at_ms DESC, id DESC""")
                    .bind("s", securityId).mapTo(Long.class).findFirst();
            if (open.isEmpty()) {
                return false;
            }
            h.createUpdate("UPDATE market_events SET ends_at_ms = :at WHERE id = :id")
                    .bind("at", atMs).bind("id", open.get()).execute();
            bump(h);
            return true;
        });
    }

    /** Removes every event of a security: its price returns to the plain simulated path. */
    public int clear(int securityId) {
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("DELETE FROM market_events WHERE security_id = :s").bind("s", securityId).execute();
            bump(h);
            return n;
        });
    }

    public void setClockOffset(long offsetMs) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("UPDATE market_control SET clock_offset_ms = :o WHERE id = 1").bind("o", offsetMs).execute();
            bump(h);
        });
    }

    public long clockOffset() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT clock_offset_ms FROM market_control WHERE id = 1")
                .mapTo(Long.class).one());
    }
}
