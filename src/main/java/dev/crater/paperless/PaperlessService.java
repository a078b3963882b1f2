package dev.crater.paperless;

import dev.crater.accounts.Account;
import dev.crater.common.Refusal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An account's paperless settings (reference 03-accounts.md §6). Before any are stored an account has
 * none (GET answers the zero GUID and no options); the default stores every documented category with
 * {@code IsPaperless: false}, a new {@code Id} and the caller's e-mail address, replacing what was
 * there; a change starts from the stored settings (or that default) and keeps what it does not name.
 * Time from the injected clock.
 */
public final class PaperlessService {
    /** The longest e-mail address kept (RFC 5321's path limit). */
    public static final int EMAIL_CHARS_MAX = 254;

    private final PaperlessStore store;
    private final InstantSource clock;

    public PaperlessService(PaperlessStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The account's settings; none stored yet → the zero GUID, no e-mail, no options. */
    public Paperless.Settings get(Account account) {
        return store.get(account.id()).map(r -> model(account, r))
                .orElseGet(() -> new Paperless.Settings(Paperless.NO_ID, null, account.clearingAccount(), null, List.of()));
    }

    /** Stores the default (every category false, a new id, {@code email}), replacing what was stored. */
    public Paperless.Settings setDefault(Account account, String email) {
        return model(account, store.replace(fresh(account, email)));
    }

    /**
     * Applies a change, storing the default first when the account has none.
     *
     * @param callerEmail the e-mail address the default gets
     * @param emailKey the ModelState key of a paperless option without an address to deliver to
     */
    public Paperless.Settings change(Account account, Paperless.Change change, String callerEmail, String emailKey) {
        boolean anyPaperless = change.options().containsValue(true);
        PaperlessStore.Row fresh = fresh(account, callerEmail);
        if (anyPaperless && change.setEmail() && change.email() == null) {
            throw Refusal.invalid(emailKey, "Paperless delivery needs an Email address.");
        }
        if (anyPaperless && !change.setEmail()) {
            String current = store.get(account.id()).map(PaperlessStore.Row::email).orElse(fresh.email());
            if (current == null) {
                throw Refusal.invalid(emailKey, "Paperless delivery needs an Email address.");
            }
        }
        return model(account, store.update(fresh, change, clock.millis()));
    }

    private PaperlessStore.Row fresh(Account account, String email) {
        Map<String, Boolean> options = new LinkedHashMap<>();
        for (Paperless.Category c : Paperless.CATEGORIES) {
            options.put(c.id(), false);
        }
        return new PaperlessStore.Row(account.id(), UUID.randomUUID().toString(), email, null, options, clock.millis());
    }

    private static Paperless.Settings model(Account account, PaperlessStore.Row r) {
        List<Paperless.Option> options = new ArrayList<>();
        for (Paperless.Category c : Paperless.CATEGORIES) {
            Boolean v = r.options().get(c.id());
            if (v != null) {
                options.add(new Paperless.Option(c.description(), v, c.id()));
            }
        }
        return new Paperless.Settings(r.id(), r.email(), account.clearingAccount(), r.supplementEmail(), options);
    }
}
