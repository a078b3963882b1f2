package dev.crater.watchlists;

import dev.crater.store.Database;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Watchlist rows and their securities. Every change runs in one transaction that first locks what
 * it counts (the user's row for the lists-per-user limit, the list's row for the securities-per-list
 * limit) so that two concurrent requests cannot both pass a limit: SQLite takes the write lock at
 * the start of each transaction anyway ({@code transaction_mode=IMMEDIATE}), PostgreSQL gets
 * {@code SELECT … FOR UPDATE}.
 */
public final class WatchlistStore {

    /** What a change did; the service turns the failures into the documented 409s. */
    public enum Result { OK, NOT_FOUND, NAME_TAKEN, LISTS_LIMIT, SECURITIES_LIMIT, ALREADY_LISTED, NOT_LISTED }

    private final Database db;

    public WatchlistStore(Database db) {
        this.db = db;
    }

    /** The lower-cased form names are compared in. */
    static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private record Row(long id, long userId, String name, long createdAtMs, long modifiedAtMs) {
    }

    private static Row row(java.sql.ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"), rs.getLong("created_at_ms"),
                rs.getLong("modified_at_ms"));
    }

    /** The user's lists, oldest first, each with its securities in the order they were added. */
    public List<Watchlist> ofUser(long userId) {
        return db.jdbi().withHandle(h -> {
            List<Row> rows = h.createQuery("SELECT * FROM watchlists WHERE user_id = :u ORDER BY id")
                    .bind("u", userId).map((rs, ctx) -> row(rs)).list();
            Map<Long, List<Long>> securities = new HashMap<>();
            h.createQuery("""
                    SELECT s.watchlist_id, s.security_id FROM watchlist_securities s
                    JOIN watchlists w ON w.id = s.watchlist_id
                    WHERE w.user_id = :u ORDER BY s.watchlist_id, s.position""")
                    .bind("u", userId)
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2)))
                    .forEach(e -> securities.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            List<Watchlist> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Watchlist(r.id(), r.userId(), r.name(), r.createdAtMs(), r.modifiedAtMs(),
                        securities.getOrDefault(r.id(), List.of())));
            }
            return out;
        });
    }

    /** The list with this id when it belongs to {@code userId}. */
    public Optional<Watchlist> byId(long userId, long id) {
        return db.jdbi().withHandle(h -> find(h, userId, id));
    }

    private static Optional<Watchlist> find(Handle h, long userId, long id) {
        Optional<Row> row = h.createQuery("SELECT * FROM watchlists WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).map((rs, ctx) -> row(rs)).findOne();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        List<Long> securities = h.createQuery(
                        "SELECT security_id FROM watchlist_securities WHERE watchlist_id = :id ORDER BY position")
                .bind("id", id).mapTo(Long.class).list();
        Row r = row.get();
        return Optional.of(new Watchlist(r.id(), r.userId(), r.name(), r.createdAtMs(), r.modifiedAtMs(), securities));
    }

    /** The outcome of {@link #create}: the new list's id when {@code result} is OK. */
    public record Created(Result result, long id) {
    }

    /**
     * Creates a list with its initial securities (already validated and de-duplicated).
     *
     * @return NAME_TAKEN, LISTS_LIMIT when the user has {@code listsMax} lists already, else OK and the id
     */
    public Created create(long userId, String name, List<Long> securityIds, long nowMs, int listsMax) {
        try {
            return db.jdbi().inTransaction(h -> {
                lockUser(h, userId);
                int count = h.createQuery("SELECT COUNT(*) FROM watchlists WHERE user_id = :u").bind("u", userId)
                        .mapTo(Integer.class).one();
                if (count >= listsMax) {
                    return new Created(Result.LISTS_LIMIT, 0);
                }
                if (nameTaken(h, userId, name, 0)) {
                    return new Created(Result.NAME_TAKEN, 0);
                }
                long id = h.createUpdate("""
                                INSERT INTO watchlists (user_id, name, name_key, created_at_ms, modified_at_ms)
                                VALUES (:u, :name, :key, :now, :now)""")
                        .bind("u", userId).bind("name", name).bind("key", nameKey(name)).bind("now", nowMs)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                if (id >= SystemLists.ID_MIN) {
                    throw new IllegalStateException("watchlist ids reached the system lists' range");
                }
                int position = 0;
                for (long securityId : securityIds) {
                    insertSecurity(h, id, securityId, ++position, nowMs);
                }
                return new Created(Result.OK, id);
            });
        } catch (UnableToExecuteStatementException e) {
            if (uniqueViolation(e)) {
                return new Created(Result.NAME_TAKEN, 0);
            }
            throw e;
        }
    }

    /** Renames a list; renaming to its own name in another case is allowed. */
    public Result rename(long userId, long id, String name, long nowMs) {
        try {
            return db.jdbi().inTransaction(h -> {
                lockUser(h, userId);
                if (find(h, userId, id).isEmpty()) {
                    return Result.NOT_FOUND;
                }
                if (nameTaken(h, userId, name, id)) {
                    return Result.NAME_TAKEN;
                }
                h.createUpdate("UPDATE watchlists SET name = :name, name_key = :key, modified_at_ms = :now WHERE id = :id")
                        .bind("name", name).bind("key", nameKey(name)).bind("now", nowMs).bind("id", id).execute();
                return Result.OK;
            });
        } catch (UnableToExecuteStatementException e) {
            if (uniqueViolation(e)) {
                return Result.NAME_TAKEN;
            }
            throw e;
        }
    }

    /** Deletes a list and its securities. */
    public Result delete(long userId, long id) {
        return db.jdbi().inTransaction(h -> {
            if (lockList(h, userId, id).isEmpty()) {
                return Result.NOT_FOUND;
            }
            h.createUpdate("DELETE FROM watchlist_securities WHERE watchlist_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM watchlists WHERE id = :id").bind("id", id).execute();
            return Result.OK;
        });
    }

    /** Appends a security; ALREADY_LISTED when it is in the list, SECURITIES_LIMIT at {@code securitiesMax}. */
    public Result add(long userId, long id, long securityId, long nowMs, int securitiesMax) {
        return db.jdbi().inTransaction(h -> {
            if (lockList(h, userId, id).isEmpty()) {
                return Result.NOT_FOUND;
            }
            boolean present = h.createQuery(
                            "SELECT COUNT(*) FROM watchlist_securities WHERE watchlist_id = :id AND security_id = :s")
                    .bind("id", id).bind("s", securityId).mapTo(Integer.class).one() > 0;
            if (present) {
                return Result.ALREADY_LISTED;
            }
            int count = h.createQuery("SELECT COUNT(*) FROM watchlist_securities WHERE watchlist_id = :id")
                    .bind("id", id).mapTo(Integer.class).one();
            if (count >= securitiesMax) {
                return Result.SECURITIES_LIMIT;
            }
            int position = h.createQuery(
                            "SELECT COALESCE(MAX(position), 0) FROM watchlist_securities WHERE watchlist_id = :id")
                    .bind("id", id).mapTo(Integer.class).one();
            insertSecurity(h, id, securityId, position + 1, nowMs);
            touch(h, id, nowMs);
            return Result.OK;
        });
    }

    /** Removes a security; NOT_LISTED when it is not in the list. */
    public Result remove(long userId, long id, long securityId, long nowMs) {
        return db.jdbi().inTransaction(h -> {
            if (lockList(h, userId, id).isEmpty()) {
                return Result.NOT_FOUND;
            }
            int n = h.createUpdate("DELETE FROM watchlist_securities WHERE watchlist_id = :id AND security_id = :s")
                    .bind("id", id).bind("s", securityId).execute();
            if (n == 0) {
                return Result.NOT_LISTED;
            }
            touch(h, id, nowMs);
            return Result.OK;
        });
    }

    private static void insertSecurity(Handle h, long id, long securityId, int position, long nowMs) {
        h.createUpdate("""
                        INSERT INTO watchlist_securities (watchlist_id, security_id, position, added_at_ms)
                        VALUES (:id, :s, :p, :now)""")
                .bind("id", id).bind("s", securityId).bind("p", position).bind("now", nowMs).execute();
    }

    private static void touch(Handle h, long id, long nowMs) {
        h.createUpdate("UPDATE watchlists SET modified_at_ms = :now WHERE id = :id").bind("now", nowMs).bind("id", id)
                .execute();
    }

    private static boolean nameTaken(Handle h, long userId, String name, long exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM watchlists WHERE user_id = :u AND name_key = :key AND id <> :id")
                .bind("u", userId).bind("key", nameKey(name)).bind("id", exceptId).mapTo(Integer.class).one() > 0;
    }

    /** Serialises changes to one user's lists on PostgreSQL (SQLite transactions are serial already). */
    private void lockUser(Handle h, long userId) {
        if (db.dialect() == Database.Dialect.POSTGRES) {
            h.createQuery("SELECT id FROM users WHERE id = :u FOR UPDATE").bind("u", userId).mapTo(Long.class).findOne();
        }
    }

    /** The list's id when it belongs to the user, its row locked on PostgreSQL. */
    private Optional<Long> lockList(Handle h, long userId, long id) {
        String sql = "SELECT id FROM watchlists WHERE id = :id AND user_id = :u"
                + (db.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE" : "");
        return h.createQuery(sql).bind("id", id).bind("u", userId).mapTo(Long.class).findOne();
    }

    /** True for a unique-constraint violation (PostgreSQL 23505; SQLite's constraint codes). */
    static boolean uniqueViolation(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException s
                    && ("23505".equals(s.getSQLState()) || String.valueOf(s.getMessage()).contains("UNIQUE"))) {
                return true;
            }
        }
        return false;
    }
}
