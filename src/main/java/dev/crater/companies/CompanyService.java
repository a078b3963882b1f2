package dev.crater.companies;

import dev.crater.crypto.Secrets;
import dev.crater.store.ReadCache;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** Companies and the lookup of their application keys, which every request performs. */
public final class CompanyService {
    /** Longest company name accepted. */
    public static final int NAME_CHARS_MAX = 200;
    /** Longest Et-App-Key header looked up; longer ones cannot exist and are refused unread. */
    public static final int APP_KEY_CHARS_MAX = 100;
    static final long CACHE_REVALIDATE_MS = 5_000;
    static final int CACHE_ENTRIES_MAX = 10_000;

    private final CompanyStore store;
    private final InstantSource clock;
    private final ReadCache<String, Company> byAppKey;
    private final ReadCache<Long, CompanyPolicy> policies;
    private final ReadCache<Long, WireShapes> wireShapes;

    public CompanyService(CompanyStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
        this.byAppKey = new ReadCache<>(store::byAppKey, clock, CACHE_REVALIDATE_MS, CACHE_ENTRIES_MAX);
        this.policies = new ReadCache<>(store::policy, clock, CACHE_REVALIDATE_MS, CACHE_ENTRIES_MAX);
        this.wireShapes = new ReadCache<>(store::wireShapes, clock, CACHE_REVALIDATE_MS, CACHE_ENTRIES_MAX);
    }

    /**
     * Creates a company with a fresh application key.
     *
     * @throws IllegalArgumentException when the name is blank, too long or already taken
     */
    public Company create(String name) {
        if (name == null || name.isBlank() || name.trim().length() > NAME_CHARS_MAX) {
            throw new IllegalArgumentException("company name must be 1.." + NAME_CHARS_MAX + " characters");
        }
        if (store.byName(name).isPresent()) {
            throw new IllegalArgumentException("a company named '" + name.trim() + "' already exists");
        }
        return store.insert(name, Secrets.newAppKey(), clock.millis());
    }

    /** The company whose key this is; empty for a missing, oversized or unknown key. */
    public Optional<Company> byAppKey(String appKey) {
        if (appKey == null || appKey.isEmpty() || appKey.length() > APP_KEY_CHARS_MAX) {
            return Optional.empty();
        }
        return byAppKey.get(appKey);
    }

    public Optional<Company> byName(String name) {
        return store.byName(name);
    }

    public Optional<Company> byId(long id) {
        return store.byId(id);
    }

    public List<Company> all() {
        return store.all();
    }

    /** The company's login policy: its own, or {@link CompanyPolicy#DEFAULTS}. */
    public CompanyPolicy policy(long companyId) {
        return policies.get(companyId).orElse(CompanyPolicy.DEFAULTS);
    }

    public void setPolicy(long companyId, CompanyPolicy policy) {
        store.setPolicy(companyId, policy);
        policies.invalidate(companyId);
    }

    /** The company's answer shapes where the docs and the spec differ in kind; {@link WireShapes#DOCS} by default. */
    public WireShapes wireShapes(long companyId) {
        return wireShapes.get(companyId).orElse(WireShapes.DOCS);
    }

    public void setWireShapes(long companyId, WireShapes shapes) {
        store.setWireShapes(companyId, shapes);
        wireShapes.invalidate(companyId);
    }

    public boolean isEmpty() {
        return store.count() == 0;
    }
}
