package dev.crater.paperless;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The tables {@code paperless_settings} and {@code paperless_options} (V25). */
public final class PaperlessStore {

    /** An account's stored settings: {@code options} by category id. */
    public record Row(long accountId, String id, String email, String supplementEmail, Map<String, Boolean> options,
            long modifiedAtMs) {
    }

    private final Jdbi jdbi;

    public PaperlessStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Row> get(long accountId) {
        return jdbi.withHandle(h -> get(h, accountId));
    }

    private static Optional<Row> get(Handle h, long accountId) {
        Optional<Row> head = h.createQuery("SELECT * FROM paperless_settings WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new Row(rs.getLong("account_id"), rs.getString("id"), rs.getString("email"),
                        rs.getString("supplement_email"), new LinkedHashMap<>(), rs.getLong("modified_at_ms")))
                .findOne();
        head.ifPresent(r -> h.createQuery("SELECT category_id, is_paperless FROM paperless_options WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> Map.entry(rs.getString("category_id"), rs.getBoolean("is_paperless")))
                .forEach(e -> r.options().put(e.getKey(), e.getValue())));
        return head;
    }

    /** Replaces the account's settings with {@code row} (the default: a new id, every option as given). */
    public Row replace(Row row) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO paperless_settings (account_id, id, email, supplement_email, modified_at_ms)"
                            + " VALUES (:a, :id, :e, :s, :t) ON CONFLICT (account_id) DO UPDATE SET id = excluded.id,"
                            + " email = excluded.email, supplement_email = excluded.supplement_email,"
                            + " modified_at_ms = excluded.modified_at_ms")
                    .bind("a", row.accountId()).bind("id", row.id()).bind("e", row.email())
                    .bind("s", row.supplementEmail()).bind("t", row.modifiedAtMs()).execute();
            h.createUpdate("DELETE FROM paperless_options WHERE account_id = :a").bind("a", row.accountId()).execute();
            for (Map.Entry<String, Boolean> o : row.options().entrySet()) {
                setOption(h, row.accountId(), o.getKey(), o.getValue());
            }
            return get(h, row.accountId()).orElseThrow();
        });
    }

    /**
     * Applies {@code change} to the stored settings, or to {@code fresh} when the account has none
     * (stored first); in one transaction, safe against a concurrent first write. Answers the settings
     * as stored.
     */
    public Row update(Row fresh, Paperless.Change change, long nowMs) {
        long accountId = fresh.accountId();
        return jdbi.inTransaction(h -> {
            int created = h.createUpdate("INSERT INTO paperless_settings (account_id, id, email, supplement_email,"
                            + " modified_at_ms) VALUES (:a, :id, :e, :s, :t) ON CONFLICT (account_id) DO NOTHING")
                    .bind("a", accountId).bind("id", fresh.id()).bind("e", fresh.email())
                    .bind("s", fresh.supplementEmail()).bind("t", nowMs).execute();
            if (created == 1) {
                for (Map.Entry<String, Boolean> o : fresh.options().entrySet()) {
                    setOption(h, accountId, o.getKey(), o.getValue());
                }
            }
            if (change.setEmail()) {
                h.createUpdate("UPDATE paperless_settings SET email = :e WHERE account_id = :a")
                        .bind("e", change.email()).bind("a", accountId).execute();
            }
            if (change.setSupplementEmail()) {
                h.createUpdate("UPDATE paperless_settings SET supplement_email = :s WHERE account_id = :a")
                        .bind("s", change.supplementEmail()).bind("a", accountId).execute();
            }
            h.createUpdate("UPDATE paperless_settings SET modified_at_ms = :t WHERE account_id = :a")
                    .bind("t", nowMs).bind("a", accountId).execute();
            for (Map.Entry<String, Boolean> o : change.options().entrySet()) {
                setOption(h, accountId, o.getKey(), o.getValue());
            }
            return get(h, accountId).orElseThrow();
        });
    }

    private static void setOption(Handle h, long accountId, String categoryId, boolean paperless) {
        h.createUpdate("INSERT INTO paperless_options (account_id, category_id, is_paperless) VALUES (:a, :c, :p)"
                        + " ON CONFLICT (account_id, category_id) DO UPDATE SET is_paperless = excluded.is_paperless")
                .bind("a", accountId).bind("c", categoryId).bind("p", paperless).execute();
    }
}
