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

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM companies").mapTo(Long.class).one());
    }
}
