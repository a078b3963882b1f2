package dev.crater.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The tables {@code company_support}, {@code feedbacks} and {@code feedback_files} (V19). */
public final class FeedbackStore {
    private final Jdbi jdbi;

    public FeedbackStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<String> supportEmail(long companyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT support_email FROM company_support WHERE company_id = :c")
                .bind("c", companyId).mapTo(String.class).findOne());
    }

    public void setSupportEmail(long companyId, String email, long nowMs) {
        jdbi.useTransaction(h -> {
            if (email == null) {
                h.createUpdate("DELETE FROM company_support WHERE company_id = :c").bind("c", companyId).execute();
                return;
            }
            int n = h.createUpdate("UPDATE company_support SET support_email = :e, modified_at_ms = :t WHERE company_id = :c")
                    .bind("c", companyId).bind("e", email).bind("t", nowMs).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO company_support (company_id, support_email, modified_at_ms) VALUES (:c, :e, :t)")
                        .bind("c", companyId).bind("e", email).bind("t", nowMs).execute();
            }
        });
    }

    /** How many feedbacks the user sent since {@code sinceMs}. */
    public int countSince(long userId, long sinceMs) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM feedbacks WHERE user_id = :u AND created_at_ms >= :s")
                .bind("u", userId).bind("s", sinceMs).mapTo(Integer.class).one());
    }

    /** Stores a feedback (its id ignored) with its files, in one transaction; returns its id. */
    public long insert(Feedback f) {
        return jdbi.inTransaction(h -> {
            long id = h.createUpdate("INSERT INTO feedbacks (company_id, user_id, subject, comment, contacts, build_version,"
                            + " user_agent, created_at_ms, mail_state) VALUES (:c, :u, :s, :m, :k, :b, :a, :t, :st)")
                    .bind("c", f.companyId()).bind("u", f.userId()).bind("s", f.subject()).bind("m", f.comment())
                    .bind("k", f.contacts()).bind("b", f.buildVersion()).bind("a", f.userAgent())
                    .bind("t", f.createdAtMs()).bind("st", f.mailState())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            for (Feedback.File file : f.files()) {
                h.createUpdate("INSERT INTO feedback_files (feedback_id, position, name, type, size_bytes, data_base64)"
                                + " VALUES (:f, :p, :n, :t, :z, :d)")
                        .bind("f", id).bind("p", file.position()).bind("n", file.name()).bind("t", file.type())
                        .bind("z", file.sizeBytes()).bind("d", file.data()).execute();
            }
            return id;
        });
    }

    public void setMailState(long id, String state) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE feedbacks SET mail_state = :s WHERE id = :id")
                .bind("s", state).bind("id", id).execute());
    }

    /** The company's newest feedbacks first, at most {@code limit}, their files without data. */
    public List<Feedback> newest(long companyId, int limit) {
        return jdbi.withHandle(h -> {
            List<Feedback> bare = h.createQuery("SELECT * FROM feedbacks WHERE company_id = :c ORDER BY id DESC LIMIT :n")
                    .bind("c", companyId).bind("n", limit).map((rs, ctx) -> row(rs, List.of())).list();
            List<Feedback> out = new ArrayList<>(bare.size());
            for (Feedback f : bare) {
                out.add(withFiles(h, f, false));
            }
            return out;
        });
    }

    /** One feedback with its files' data. */
    public Optional<Feedback> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM feedbacks WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs, List.of())).findOne().map(f -> withFiles(h, f, true)));
    }

    private static Feedback withFiles(Handle h, Feedback f, boolean data) {
        List<Feedback.File> files = h.createQuery("SELECT position, name, type, size_bytes"
                        + (data ? ", data_base64" : "") + " FROM feedback_files WHERE feedback_id = :f ORDER BY position")
                .bind("f", f.id())
                .map((rs, ctx) -> new Feedback.File(rs.getInt("position"), rs.getString("name"), rs.getString("type"),
                        rs.getLong("size_bytes"), data ? rs.getString("data_base64") : null))
                .list();
        return new Feedback(f.id(), f.companyId(), f.userId(), f.subject(), f.comment(), f.contacts(), f.buildVersion(),
                f.userAgent(), f.createdAtMs(), f.mailState(), files);
    }

    private static Feedback row(java.sql.ResultSet rs, List<Feedback.File> files) throws java.sql.SQLException {
        return new Feedback(rs.getLong("id"), rs.getLong("company_id"), rs.getLong("user_id"), rs.getString("subject"),
                rs.getString("comment"), rs.getString("contacts"), rs.getString("build_version"), rs.getString("user_agent"),
                rs.getLong("created_at_ms"), rs.getString("mail_state"), files);
    }
}
