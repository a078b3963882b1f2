package dev.crater.reference;

import dev.crater.store.Revalidated;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The securities master as the server reads it: an immutable in-memory snapshot of the stored rows,
 * replaced when the stored version changes (checked at most every {@link #REVALIDATE_MS}), so an
 * operator's change on any node is seen everywhere within about a second. Lookups are by id and by
 * symbol (case-insensitive).
 */
public final class Securities {

    public static final long REVALIDATE_MS = 1000;
    /** The shipped data file. */
    public static final String MASTER_RESOURCE = "/securities/us-listed.csv";
    /** The date the shipped rows were added (their {@code AddedDate}). */
    static final long MASTER_ADDED_MS = java.time.Instant.parse("2026-01-02T00:00:00Z").toEpochMilli();

    /** One consistent view of all securities. */
    public record Snapshot(long version, List<Security> all, Map<Integer, Security> byId,
            Map<String, Security> bySymbol) {

        public Optional<Security> byId(int id) {
            return Optional.ofNullable(byId.get(id));
        }

        public Optional<Security> bySymbol(String symbol) {
            return Optional.ofNullable(bySymbol.get(symbol.toUpperCase(Locale.ROOT)));
        }
    }

    private final SecurityStore store;
    private final InstantSource clock;
    private final Revalidated<Snapshot> snapshot;

    public Securities(SecurityStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
        this.snapshot = new Revalidated<>(new Revalidated.Source<>() {
            @Override
            public long version() {
                return store.version();
            }

            @Override
            public Snapshot load(long version) {
                return Securities.this.load(version);
            }
        }, REVALIDATE_MS);
    }

    /** Adds an operator's security (the next free operator id); seen by every reader at once here, elsewhere within {@link #REVALIDATE_MS}. */
    public Security addOperatorSecurity(Security template) {
        Security added = store.addOperatorSecurity(template);
        invalidate();
        return added;
    }

    /** Stores a security's changed flags or data; seen as {@link #addOperatorSecurity} is. */
    public void update(Security changed) {
        store.update(changed);
        invalidate();
    }

    /** Stores the shipped rows that are missing (a fresh database, or rows added by a newer release). */
    public int installMaster() {
        return store.insertMissing(readMaster());
    }

    /** The current snapshot (its version checked against the store at most every {@link #REVALIDATE_MS}). */
    public Snapshot snapshot() {
        return snapshot.get();
    }

    /** Forgets the snapshot's freshness so the next read checks the store (after a change made by this process). */
    public void invalidate() {
        snapshot.invalidate();
    }

    private Snapshot load(long version) {
        List<Security> all = store.all();
        Map<Integer, Security> byId = new HashMap<>();
        Map<String, Security> bySymbol = new HashMap<>();
        for (Security s : all) {
            byId.put(s.id(), s);
            bySymbol.put(s.symbol().toUpperCase(Locale.ROOT), s);
        }
        return new Snapshot(version, Collections.unmodifiableList(all), Map.copyOf(byId), Map.copyOf(bySymbol));
    }

    /** Reads the shipped data file (see resources/securities/SOURCE.md). */
    public static List<Security> readMaster() {
        try (InputStream in = Securities.class.getResourceAsStream(MASTER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(MASTER_RESOURCE + " is missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = r.readLine();
            if (!"id,symbol,name,exchange,type,price,optionable".equals(header == null ? null : header.trim())) {
                throw new IllegalStateException(MASTER_RESOURCE + ": unexpected header " + header);
            }
            List<Security> rows = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = csv(line);
                BigDecimal price = new BigDecimal(f.get(5).trim());
                SecurityType type = SecurityType.valueOf(f.get(4).trim());
                rows.add(new Security(Integer.parseInt(f.get(0).trim()), f.get(1).trim(), f.get(2).trim(),
                        f.get(3).trim(), "USD", type, 2, 0, new BigDecimal("0.01"), true, true, true, true,
                        Boolean.parseBoolean(f.get(6).trim()), price, Security.ORIGIN_MASTER, MASTER_ADDED_MS,
                        MASTER_ADDED_MS));
            }
            return rows;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MASTER_RESOURCE, e);
        }
    }

    /** Splits one RFC 4180 line (quoted fields may hold commas and doubled quotes). */
    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
