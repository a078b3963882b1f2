package dev.crater.companies;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Company rows. */
public final class CompanyStore {
    private static final RowMapper<Company> MAPPER = (rs, ctx) -> new Company(
            rs.getLong("id"), rs.getString("name"), rs.getString("app_key"), rs.getLong("created_at_ms"));

    private final Jdbi jdbi;

    public CompanyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static String nameKey(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    public Company insert(String name, String appKey, long nowMs) {
        long id = jdbi.withHandle(h -> h.createUpdate(
                        "INSERT INTO companies (name, name_key, app_key, created_at_ms) VALUES (:name, :key, :appKey, :now)")
                .bind("name", name.trim())
                .bind("key", nameKey(name))
                .bind("appKey", appKey)
                .bind("now", nowMs)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return new Company(id, name.trim(), appKey, nowMs);
    }

    public Optional<Company> byAppKey(String appKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM companies WHERE app_key = :k")
                .bind("k", appKey).map(MAPPER).findOne());
    }

    public Optional<Company> byName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM companies WHERE name_key = :k")
                .bind("k", nameKey(name)).map(MAPPER).findOne());
    }

    public Optional<Company> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM companies WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    public List<Company> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM companies ORDER BY id").map(MAPPER).list());
    }

    /** The company's answer shapes where the docs and the spec differ in kind (empty: no such company). */
    public Optional<WireShapes> wireShapes(long companyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT wire_shapes FROM companies WHERE id = :id")
                .bind("id", companyId).mapTo(String.class).findOne().flatMap(WireShapes::parse));
    }

    public void setWireShapes(long companyId, WireShapes shapes) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE companies SET wire_shapes = :w WHERE id = :id")
                .bind("w", shapes.text()).bind("id", companyId).execute());
    }

    public Optional<CompanyPolicy> policy(long companyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM company_policies WHERE company_id = :c")
                .bind("c", companyId)
                .map((rs, ctx) -> new CompanyPolicy(rs.getInt("password_min_length"), rs.getInt("password_max_age_days"),
                        rs.getBoolean("pin_required"), rs.getInt("free_failures"), rs.getInt("failure_delay_seconds"),
                        rs.getInt("failure_delay_max_seconds"), rs.getInt("lock_after_failures")))
                .findOne());
    }

    public void setPolicy(long companyId, CompanyPolicy p) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM company_policies WHERE company_id = :c").bind("c", companyId).execute();
            h.createUpdate("""
                            INSERT INTO company_policies (company_id, password_min_length, password_max_age_days, pin_required,
                                free_failures, failure_delay_seconds, failure_delay_max_seconds, lock_after_failures)
                            VALUES (:c, :min, :age, :pin, :free, :delay, :delayMax, :lock)""")
                    .bind("c", companyId).bind("min", p.passwordMinLength()).bind("age", p.passwordMaxAgeDays())
                    .bind("pin", p.pinRequired()).bind("free", p.freeFailures()).bind("delay", p.failureDelaySeconds())
                    .bind("delayMax", p.failureDelayMaxSeconds()).bind("lock", p.lockAfterFailures())
                    .execute();
        });
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM companies").mapTo(Long.class).one());
    }
}
