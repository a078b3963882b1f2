package dev.crater.agreements;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** The tables {@code agreements} and {@code agreement_signatures} (V18). */
public final class AgreementStore {
    private static final RowMapper<Agreement> MAPPER = (rs, ctx) -> new Agreement(rs.getLong("id"),
            rs.getLong("company_id"), Agreement.Type.valueOf(rs.getString("type")), rs.getString("name"),
            rs.getString("url"), rs.getBoolean("can_skip"), rs.getInt("version"), rs.getBoolean("retired"),
            rs.getLong("created_at_ms"), rs.getLong("modified_at_ms"));
    private static final RowMapper<Agreement.Signature> SIGNATURE = (rs, ctx) -> new Agreement.Signature(
            rs.getLong("user_id"), rs.getLong("agreement_id"), rs.getInt("version"), rs.getLong("signed_at_ms"));

    private final Jdbi jdbi;

    public AgreementStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Agreement insert(long companyId, Agreement.Type type, String name, String url, boolean canSkip, long nowMs) {
        long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO agreements (company_id, type, name, url, can_skip,"
                        + " version, retired, created_at_ms, modified_at_ms) VALUES (:c, :t, :n, :u, :s, 1, FALSE, :now, :now)")
                .bind("c", companyId).bind("t", type.name()).bind("n", name).bind("u", url).bind("s", canSkip)
                .bind("now", nowMs).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return byId(id).orElseThrow();
    }

    public Optional<Agreement> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agreements WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    /** The company's agreements, oldest first, retired ones too when {@code withRetired}. */
    public List<Agreement> ofCompany(long companyId, boolean withRetired) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agreements WHERE company_id = :c"
                        + (withRetired ? "" : " AND retired = FALSE") + " ORDER BY id")
                .bind("c", companyId).map(MAPPER).list());
    }

    /** The company's live agreements whose current version the user has not signed, oldest first. */
    public List<Agreement> unsigned(long companyId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT a.* FROM agreements a WHERE a.company_id = :c"
                        + " AND a.retired = FALSE AND NOT EXISTS (SELECT 1 FROM agreement_signatures s"
                        + " WHERE s.user_id = :u AND s.agreement_id = a.id AND s.version = a.version) ORDER BY a.id")
                .bind("c", companyId).bind("u", userId).map(MAPPER).list());
    }

    /** Records the signature unless that version is signed already; the signature as stored either way. */
    public Agreement.Signature sign(long userId, long agreementId, int version, long nowMs) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO agreement_signatures (user_id, agreement_id, version, signed_at_ms)"
                            + " VALUES (:u, :a, :v, :t) ON CONFLICT DO NOTHING")
                    .bind("u", userId).bind("a", agreementId).bind("v", version).bind("t", nowMs).execute();
            return h.createQuery("SELECT * FROM agreement_signatures WHERE user_id = :u AND agreement_id = :a"
                            + " AND version = :v")
                    .bind("u", userId).bind("a", agreementId).bind("v", version).map(SIGNATURE).one();
        });
    }

    /** Every signature of the user, newest first. */
    public List<Agreement.Signature> signatures(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agreement_signatures WHERE user_id = :u"
                        + " ORDER BY signed_at_ms DESC, agreement_id")
                .bind("u", userId).map(SIGNATURE).list());
    }

    public void revise(long id, long nowMs) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE agreements SET version = version + 1, modified_at_ms = :t WHERE id = :id")
                .bind("t", nowMs).bind("id", id).execute());
    }

    public void setRetired(long id, boolean retired, long nowMs) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE agreements SET retired = :r, modified_at_ms = :t WHERE id = :id")
                .bind("r", retired).bind("t", nowMs).bind("id", id).execute());
    }
}
