package dev.crater.watchlists;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.common.Refusal;
import dev.crater.http.Dates;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.securities.SecurityModel;
import dev.crater.watchlists.WatchlistModel.NameTuple;
import dev.crater.watchlists.WatchlistModel.SecuritySignature;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watchlists (reference 07-watchlists.md): a user's own lists, stored, beside the computed
 * read-only {@link SystemLists}. Every failure is a 409 {@code {"Message": …}} as documented
 * ("watchlist does not exist", "Security was not found", read-only lists, duplicates, limits),
 * except a name longer than {@link #NAME_CHARS_MAX}, which is a 422 ModelState.
 */
public final class WatchlistService {
    private static final Logger LOG = LoggerFactory.getLogger(WatchlistService.class);

    /** Named limits. */
    public static final int LISTS_PER_USER_MAX = 100;
    public static final int SECURITIES_PER_LIST_MAX = 500;
    public static final int NAME_CHARS_MAX = 100;
    /**
     * Securities one list-of-lists answer may include ({@code includeSecurities=true}): about 600
     * bytes each, so at most ~1.2 MB. A user's 100 full lists would be 50,000 (29 MB); beyond this the
     * answer is a 409 that points at the per-list route (at most {@link #SECURITIES_PER_LIST_MAX} each).
     */
    public static final int SECURITIES_INCLUDED_MAX = 2_000;

    static final String SECURITY_NOT_FOUND = "Security was not found";

    private final WatchlistStore store;
    private final Securities securities;
    private final OptionChains options;
    private final SystemLists systemLists;
    private final InstantSource clock;

    public WatchlistService(WatchlistStore store, Securities securities, OptionChains options, SystemLists systemLists,
            InstantSource clock) {
        this.store = store;
        this.securities = securities;
        this.options = options;
        this.systemLists = systemLists;
        this.clock = clock;
    }

    /** A stored change of a user's own lists, for the trade-data streamer. */
    public sealed interface Change {
        long userId();
    }

    /** A list was created, renamed or deleted ({@code list} as it is now, or as it was when deleted). */
    public record ListChanged(long userId, Watchlist list, boolean deleted, long atMs) implements Change {
    }

    /** Securities were added to or removed from a list. */
    public record ContentChanged(long userId, long watchlistId, List<Long> added, List<Long> removed)
            implements Change {
    }

    private volatile Consumer<Change> listener = c -> {
    };

    /** Who hears every stored change (called after the store's commit; must not block). */
    public void onChange(Consumer<Change> listener) {
        this.listener = listener;
    }

    private void changed(Change c) {
        try {
            listener.accept(c);
        } catch (RuntimeException e) {
            LOG.warn("watchlist change listener failed: {}", e.toString());
        }
    }

    private void listChanged(long userId, long id) {
        store.byId(userId, id).ifPresent(w -> changed(new ListChanged(userId, w, false, w.modifiedAtMs())));
    }

    public SystemLists systemLists() {
        return systemLists;
    }

    // ---- reads ---------------------------------------------------------------------------------

    /** The user's own lists (oldest first), then the system lists. */
    public List<WatchlistModel> list(long userId, boolean includeSecurities) {
        List<Watchlist> own = store.ofUser(userId);
        List<SystemLists.SystemList> system = systemLists.all();
        if (includeSecurities) {
            long included = own.stream().mapToLong(w -> w.securityIds().size()).sum()
                    + system.stream().mapToLong(s -> s.securities().size()).sum();
            if (included > SECURITIES_INCLUDED_MAX) {
                throw conflict("These watchlists hold " + included + " securities; with includeSecurities=true at most "
                        + SECURITIES_INCLUDED_MAX + " are answered at once. Read the lists one by one with "
                        + "GET /v1.0/users/{userId}/watchlists/{watchlistId}?includeSecurities=true, "
                        + "or list them with includeSecurities=false.");
            }
        }
        List<WatchlistModel> out = new ArrayList<>();
        for (Watchlist w : own) {
            out.add(model(w, includeSecurities));
        }
        for (SystemLists.SystemList s : system) {
            out.add(model(s, includeSecurities));
        }
        return out;
    }

    /** The user's own lists as stored, oldest first (the trade-data streamer's snapshot). */
    public List<Watchlist> own(long userId) {
        return store.ofUser(userId);
    }

    /** One of the user's own lists as stored; empty for any other id (a system list's too). */
    public Optional<Watchlist> own(long userId, long id) {
        return SystemLists.isSystemId(id) ? Optional.empty() : store.byId(userId, id);
    }

    /**
     * One list of the user's, or a system list.
     *
     * @throws Refusal.Conflict (409) when no such list is the user's
     */
    public WatchlistModel get(long userId, long id, boolean includeSecurities) {
        if (SystemLists.isSystemId(id)) {
            return model(systemLists.byId(id).orElseThrow(() -> notFound(id)), includeSecurities);
        }
        return model(store.byId(userId, id).orElseThrow(() -> notFound(id)), includeSecurities);
    }

    // ---- changes -------------------------------------------------------------------------------

    /**
     * Creates a list, with its initial securities (duplicates ignored).
     *
     * @throws Refusal.Conflict (409) for a missing name, a name the user has (or a system list's), an
     *     unknown security, too many securities or lists; 422 for a name that is too long
     */
    public WatchlistModel create(long userId, WatchlistModel.CreateWatchlistModel body, boolean includeSecurities) {
        String name = name(body.name());
        Set<Long> ids = new LinkedHashSet<>();
        JsonNode list = body.securities();
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw conflict("Securities must be a list of security ids.");
            }
            for (JsonNode item : list) {
                ids.add(resolveId(item));
            }
        }
        if (ids.size() > SECURITIES_PER_LIST_MAX) {
            throw securitiesLimit();
        }
        WatchlistStore.Created created = store.create(userId, name, List.copyOf(ids), clock.millis(),
                LISTS_PER_USER_MAX);
        switch (created.result()) {
            case OK -> {
            }
            case NAME_TAKEN -> throw nameTaken(name);
            case LISTS_LIMIT -> throw conflict("A user can have at most " + LISTS_PER_USER_MAX + " watchlists.");
            default -> throw new IllegalStateException("create answered " + created.result());
        }
        listChanged(userId, created.id());
        if (!ids.isEmpty()) {
            changed(new ContentChanged(userId, created.id(), List.copyOf(ids), List.of()));
        }
        return get(userId, created.id(), includeSecurities);
    }

    /** Deletes one of the user's lists. */
    public void delete(long userId, long id) {
        writable(id);
        Optional<Watchlist> before = store.byId(userId, id);
        check(store.delete(userId, id), id, null);
        before.ifPresent(w -> changed(new ListChanged(userId, w, true, clock.millis())));
    }

    /** Renames one of the user's lists; answers the documented tuple (id, new name). */
    public NameTuple rename(long userId, long id, String newName) {
        writable(id);
        String name = name(newName);
        check(store.rename(userId, id, name, clock.millis()), id, name);
        listChanged(userId, id);
        return new NameTuple(id, name);
    }

    /** Adds a security by id; answers the list with its securities. */
    public WatchlistModel add(long userId, long id, long securityId) {
        writable(id);
        long resolved = resolve(securityId).orElseThrow(() -> conflict(SECURITY_NOT_FOUND));
        check(store.add(userId, id, resolved, clock.millis(), SECURITIES_PER_LIST_MAX), id, null);
        changed(new ContentChanged(userId, id, List.of(resolved), List.of()));
        return get(userId, id, true);
    }

    /** Adds a security by its signature (symbol, optionally exchange and currency). */
    public WatchlistModel add(long userId, long id, SecuritySignature signature) {
        writable(id);
        return add(userId, id, bySignature(signature, true));
    }

    /** Removes a security by id; answers the list with its securities. */
    public WatchlistModel remove(long userId, long id, long securityId) {
        writable(id);
        check(store.remove(userId, id, securityId, clock.millis()), id, null);
        changed(new ContentChanged(userId, id, List.of(), List.of(securityId)));
        return get(userId, id, true);
    }

    /** Removes a security by its signature. */
    public WatchlistModel remove(long userId, long id, SecuritySignature signature) {
        writable(id);
        return remove(userId, id, bySignature(signature, false));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void writable(long id) {
        if (SystemLists.isSystemId(id)) {
            throw conflict("Watchlist " + id + " is a system list and is read-only.");
        }
    }

    private static void check(WatchlistStore.Result result, long id, String name) {
        switch (result) {
            case OK -> {
            }
            case NOT_FOUND -> throw notFound(id);
            case NAME_TAKEN -> throw nameTaken(name);
            case SECURITIES_LIMIT -> throw securitiesLimit();
            case ALREADY_LISTED -> throw conflict("The security is in the watchlist already.");
            case NOT_LISTED -> throw conflict("The security is not in the watchlist.");
            case LISTS_LIMIT -> throw new IllegalStateException("unexpected " + result);
        }
    }

    /** A trimmed name of 1..{@link #NAME_CHARS_MAX} printable characters, not a system list's. */
    static String name(String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) {
            throw conflict("Name is required.");
        }
        if (name.length() > NAME_CHARS_MAX) {
            throw Refusal.invalid("model.Name", "Name must be at most " + NAME_CHARS_MAX + " characters.");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("model.Name", "Name must not contain control characters.");
        }
        if (SystemLists.isSystemName(name)) {
            throw nameTaken(name);
        }
        return name;
    }

    private long resolveId(JsonNode item) {
        long id;
        if (item.isIntegralNumber() && item.canConvertToInt()) {
            id = item.asLong();
        } else if (item.isTextual() && item.asText().trim().matches("\\d{1,10}")) {
            id = Long.parseLong(item.asText().trim());
        } else {
            throw conflict(SECURITY_NOT_FOUND);
        }
        return resolve(id).orElseThrow(() -> conflict(SECURITY_NOT_FOUND));
    }

    /** The id when it names an enabled equity or a listed (or expired) option contract. */
    private Optional<Long> resolve(long id) {
        if (OptionChains.isOptionId(id)) {
            return options.byId(id).map(c -> (long) c.id());
        }
        if (id <= 0 || id > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return securities.snapshot().byId((int) id).filter(Security::enabled).map(s -> (long) s.id());
    }

    /** The id a signature names; {@code enabledOnly} leaves out disabled equities (they cannot be added). */
    private long bySignature(SecuritySignature signature, boolean enabledOnly) {
        String symbol = signature == null || signature.symbol() == null ? "" : signature.symbol().trim();
        if (symbol.isEmpty()) {
            throw conflict(SECURITY_NOT_FOUND);
        }
        Optional<Security> equity = securities.snapshot().bySymbol(symbol).filter(s -> s.enabled() || !enabledOnly);
        if (equity.isPresent()) {
            Security s = equity.get();
            if (mismatch(signature.exchange(), s.exchange()) || mismatch(signature.currency(), s.currency())) {
                throw conflict(SECURITY_NOT_FOUND);
            }
            return s.id();
        }
        OptionContract c = options.bySymbol(symbol).orElseThrow(() -> conflict(SECURITY_NOT_FOUND));
        if (mismatch(signature.exchange(), "OPRAC") || mismatch(signature.currency(), c.underlying().currency())) {
            throw conflict(SECURITY_NOT_FOUND);
        }
        return c.id();
    }

    private static boolean mismatch(String given, String actual) {
        return given != null && !given.isBlank() && !given.trim().equalsIgnoreCase(actual);
    }

    private WatchlistModel model(Watchlist w, boolean includeSecurities) {
        return new WatchlistModel(w.id(), w.name(), WatchlistModel.Type.UserList, Dates.iso(w.createdAtMs()),
                Dates.iso(w.modifiedAtMs()), null, false, null, includeSecurities ? securityModels(w.securityIds()) : null);
    }

    private WatchlistModel model(SystemLists.SystemList s, boolean includeSecurities) {
        return new WatchlistModel(s.id(), s.name(), WatchlistModel.Type.SystemList, Dates.iso(SystemLists.CREATED_AT_MS),
                Dates.iso(s.computedAtMs()), s.description(), true, SystemLists.SOURCE,
                includeSecurities ? s.securities().stream().map(SecurityModel::of).toList() : null);
    }

    /** The securities of a list; an id that no longer resolves (a disabled security) is still shown when it can be. */
    private List<SecurityModel> securityModels(List<Long> ids) {
        List<SecurityModel> out = new ArrayList<>(ids.size());
        Securities.Snapshot snapshot = securities.snapshot();
        for (long id : ids) {
            if (OptionChains.isOptionId(id)) {
                options.byId(id).map(SecurityModel::of).ifPresent(out::add);
            } else if (id <= Integer.MAX_VALUE) {
                snapshot.byId((int) id).map(SecurityModel::of).ifPresent(out::add);
            }
        }
        return out;
    }

    static Refusal conflict(String message) {
        return new Refusal.Conflict(message);
    }

    static Refusal notFound(long id) {
        return conflict("Watchlist " + id + " does not exist.");
    }

    private static Refusal nameTaken(String name) {
        return conflict("A watchlist named '" + name + "' exists already.");
    }

    private static Refusal securitiesLimit() {
        return conflict("A watchlist holds at most " + SECURITIES_PER_LIST_MAX + " securities.");
    }
}
