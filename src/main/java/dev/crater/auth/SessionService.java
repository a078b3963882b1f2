package dev.crater.auth;

import dev.crater.access.Authenticator;
import dev.crater.access.Principal;
import dev.crater.crypto.Secrets;
import dev.crater.store.ReadCache;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Checks final bearer tokens on every API request without a store read each time: token rows are
 * cached by their hash and re-read every {@link #CACHE_REVALIDATE_MS}, and the user's enabled flag
 * comes from the user cache. A token revoked through this process is dropped from the cache at
 * once; one revoked by another process (the admin CLI, another node) stops working within the
 * revalidation interval.
 */
public final class SessionService implements Authenticator {
    static final long CACHE_REVALIDATE_MS = 5_000;
    /** Token rows held in memory; beyond this the cache is refilled from the store. */
    static final int CACHE_ENTRIES_MAX = 200_000;
    /** Longest bearer token looked up; ours are 43 characters. */
    static final int TOKEN_CHARS_MAX = 256;

    private final ReadCache<String, TokenStore.StoredToken> byHash;
    private final TokenStore tokens;
    private final UserService users;
    private final InstantSource clock;
    /** Told the hash of every token revoked through this process (logout): streaming closes its sockets. */
    private final List<Consumer<String>> revokeListeners = new CopyOnWriteArrayList<>();

    public SessionService(TokenStore tokens, UserService users, InstantSource clock) {
        this.byHash = new ReadCache<>(tokens::byHash, clock, CACHE_REVALIDATE_MS, CACHE_ENTRIES_MAX);
        this.tokens = tokens;
        this.users = users;
        this.clock = clock;
    }

    /**
     * Revokes the token with this hash (logout). It stops working at once on this node and within
     * {@link #CACHE_REVALIDATE_MS} on others.
     */
    public boolean revoke(String tokenHash) {
        boolean revoked = tokens.revoke(tokenHash, clock.millis());
        revokedElsewhere(tokenHash);
        peers.accept(tokenHash);
        return revoked;
    }

    /** Another node revoked the token: it stops working here at once, and its sockets here close. */
    public void revokedElsewhere(String tokenHash) {
        byHash.invalidate(tokenHash);
        for (Consumer<String> listener : revokeListeners) {
            listener.accept(tokenHash);
        }
    }

    /** Who is told of each token revoked here (the other nodes sharing the store); must not block. */
    public void onRevokedHere(Consumer<String> listener) {
        this.peers = listener;
    }

    private volatile Consumer<String> peers = h -> {
    };

    /** Calls {@code listener} with the hash of each token {@link #revoke revoked} from now on (it must not block). */
    public void onRevoke(Consumer<String> listener) {
        revokeListeners.add(listener);
    }

    /** {@inheritDoc} A token is also refused when a revoke-all of its user came after it. */
    @Override
    public Optional<Principal> authenticate(String bearer, long companyId) {
        if (bearer == null || bearer.isEmpty() || bearer.length() > TOKEN_CHARS_MAX) {
            return Optional.empty();
        }
        return byTokenHash(Secrets.sha256(bearer), companyId);
    }

    /**
     * As {@link #authenticate} for a token known by its hash: the principal while the token is live,
     * its user enabled and not revoked since (a streamer session bound to the token checks this).
     */
    public Optional<Principal> byTokenHash(String hash, long companyId) {
        Optional<TokenStore.StoredToken> token = byHash.get(hash);
        long now = clock.millis();
        if (token.isEmpty() || !token.get().liveAt(now) || token.get().companyId() != companyId) {
            return Optional.empty();
        }
        TokenStore.StoredToken t = token.get();
        Optional<User> user = users.byId(t.userId());
        if (user.isEmpty() || !user.get().enabled() || t.id() <= user.get().tokensRevokedThroughId()) {
            return Optional.empty();
        }
        return Optional.of(new Principal(t.userId(), t.companyId(), hash, t.expiresAtMs(), t.scope()));
    }

    /** Messages from other nodes may have been missed: every token is read from the store again. */
    public void forgetAll() {
        byHash.invalidateAll();
    }
}
