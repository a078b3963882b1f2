package dev.crater.reference;

import dev.crater.store.Database;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Security rows and the market-control row whose version tells every node to reload. */
public final class SecurityStore {

    private static final RowMapper<Security> MAPPER = (rs, ctx) -> new Security(rs.getInt("id"),
            rs.getString("symbol"), rs.getString("description"), rs.getString("exchange"), rs.getString("currency"),
            SecurityType.valueOf(rs.getString("type")), rs.getInt("precision_digits"), rs.getInt("volume_precision"),
            new java.math.BigDecimal(rs.getString("tick_size")).stripTrailingZeros(), rs.getBoolean("enabled"),
            rs.getBoolean("allow_trade"), rs.getBoolean("allow_margin"), rs.getBoolean("allow_short"),
            rs.getBoolean("optionable"), new java.math.BigDecimal(rs.getString("reference_price")).stripTrailingZeros(),
            rs.getString("origin"), rs.getLong("added_at_ms"), rs.getLong("modified_at_ms"));

    private final Database db;

    public SecurityStore(Database db) {
        this.db = db;
    }

    public List<Security> all() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM securities ORDER BY id").map(MAPPER).list());
    }

    /** The version of securities and market events; bumped by every change. */
    public long version() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM market_control WHERE id = 1")
                .mapTo(Long.class).one());
    }

    static void bumpVersion(Handle h) {
        h.createUpdate("UPDATE market_control SET version = version + 1 WHERE id = 1").execute();
    }

    /** Inserts the rows whose id is not stored yet; existing rows (maybe changed by operators) stay. */
    public int insertMissing(List<Security> rows) {
        return db.jdbi().inTransaction(h -> {
            java.util.Set<Integer> have = new java.util.HashSet<>(
                    h.createQuery("SELECT id FROM securities").mapTo(Integer.class).list());
            java.util.Set<String> symbols = new java.util.HashSet<>(
                    h.createQuery("SELECT symbol FROM securities").mapTo(String.class).list());
            int n = 0;
            for (Security s : rows) {
                if (have.contains(s.id()) || symbols.contains(s.symbol())) {
                    continue;
                }
                insert(h, s);
                n++;
            }
            if (n > 0) {
                bumpVersion(h);
            }
            return n;
        });
    }

    private void insert(Handle h, Security s) {
        h.createUpdate("""
                INSERT INTO securities (id, symbol, description, exchange, currency, type, precision_digits,
                    volume_precision, tick_size, enabled, allow_trade, allow_margin, allow_short, optionable,
                    reference_price, origin, added_at_ms, modified_at_ms)
                VALUES (:id, :symbol, :description, :exchange, :currency, :type, :precision, :volumePrecision,
                    :tickSize, :enabled, :allowTrade, :allowMargin, :allowShort, :optionable, :referencePrice,
                    :origin, :added, :modified)""")
                .bindMap(values(s))
                .execute();
    }

    private Map<String, Object> values(Security s) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("id", s.id());
        m.put("symbol", s.symbol());
        m.put("description", s.description());
        m.put("exchange", s.exchange());
        m.put("currency", s.currency());
        m.put("type", s.type().name());
        m.put("precision", s.precision());
        m.put("volumePrecision", s.volumePrecision());
        m.put("tickSize", db.decimal(s.tickSize()));
        m.put("enabled", s.enabled());
        m.put("allowTrade", s.allowTrade());
        m.put("allowMargin", s.allowMargin());
        m.put("allowShort", s.allowShort());
        m.put("optionable", s.optionable());
        m.put("referencePrice", db.decimal(s.referencePrice()));
        m.put("origin", s.origin());
        m.put("added", s.addedAtMs());
        m.put("modified", s.modifiedAtMs());
        return m;
    }

    /** Adds an operator security with the next free id at or above {@link Security#OPERATOR_ID_MIN}. */
    public Security addOperatorSecurity(Security template) {
        return db.jdbi().inTransaction(h -> {
            Integer max = h.createQuery("SELECT MAX(id) FROM securities WHERE id >= :min")
                    .bind("min", Security.OPERATOR_ID_MIN).mapTo(Integer.class).findOne().orElse(null);
            int id = max == null ? Security.OPERATOR_ID_MIN : max + 1;
            Security s = new Security(id, template.symbol(), template.description(), template.exchange(),
                    template.currency(), template.type(), template.precision(), template.volumePrecision(),
                    template.tickSize(), template.enabled(), template.allowTrade(), template.allowMargin(),
                    template.allowShort(), template.optionable(), template.referencePrice(), Security.ORIGIN_OPERATOR,
                    template.addedAtMs(), template.modifiedAtMs());
            insert(h, s);
            bumpVersion(h);
            return s;
        });
    }

    /** Replaces the changeable fields of security {@code s.id()}. */
    public void update(Security s) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                    UPDATE securities SET symbol = :symbol, description = :description, exchange = :exchange,
                        currency = :currency, type = :type, precision_digits = :precision,
                        volume_precision = :volumePrecision, tick_size = :tickSize, enabled = :enabled,
                        allow_trade = :allowTrade, allow_margin = :allowMargin, allow_short = :allowShort,
                        optionable = :optionable, reference_price = :referencePrice, modified_at_ms = :modified
                    WHERE id = :id""")
                    .bindMap(values(s))
                    .execute();
            bumpVersion(h);
        });
    }
}
