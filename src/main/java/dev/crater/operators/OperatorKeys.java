package dev.crater.operators;

import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.crypto.Secrets;
import dev.crater.http.ClientInfo;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Operator keys: the credential of the sandbox-control routes, one or more per company, created,
 * listed and revoked by {@code crater admin company operator-key}. A key is 256 random bits behind
 * the prefix {@value #KEY_PREFIX}; it is shown once when created and only its SHA-256 is stored, like
 * bearer tokens. Every presented key is looked up in the store (no cache), so a revocation holds at
 * once on every node.
 */
public final class OperatorKeys {
    /** Named limits. */
    public static final int NAME_CHARS_MAX = 100;
    public static final int LIVE_KEYS_PER_COMPANY_MAX = 20;
    /** Keys one listing shows at most (the newest; revoked keys are kept for the audit trail). */
    public static final int KEYS_LISTED_MAX = 1000;
    /** Longest presented key looked up; longer ones cannot exist and are refused unread. */
    public static final int KEY_CHARS_MAX = 100;
    /** Marks the text as a Crater operator key (for secret scanners and for people). */
    public static final String KEY_PREFIX = "crater_op_";

    /** A new key: its row, and the key text, which exists nowhere else once shown. */
    public record Created(OperatorKey key, String secret) {
    }

    private final OperatorKeyStore store;
    private final AuditLog audit;
    private final InstantSource clock;

    public OperatorKeys(OperatorKeyStore store, AuditLog audit, InstantSource clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Creates a key for {@code company} named {@code name} (1 to {@link #NAME_CHARS_MAX} printable
     * characters, unique among the company's live keys).
     *
     * @throws IllegalArgumentException for a bad or taken name, or when the company has
     *         {@link #LIVE_KEYS_PER_COMPANY_MAX} live keys
     */
    public Created create(AuditLog.Actor who, Company company, String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > NAME_CHARS_MAX || n.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an operator key name is 1 to " + NAME_CHARS_MAX + " printable characters");
        }
        if (store.liveNameTaken(company.id(), n)) {
            throw new IllegalArgumentException("company '" + company.name() + "' has a live operator key named '" + n
                    + "' already");
        }
        if (store.liveCount(company.id()) >= LIVE_KEYS_PER_COMPANY_MAX) {
            throw new IllegalArgumentException("a company has at most " + LIVE_KEYS_PER_COMPANY_MAX
                    + " live operator keys; revoke one first");
        }
        String secret = KEY_PREFIX + Secrets.newToken();
        OperatorKey key = store.insert(company.id(), n, Secrets.sha256(secret), clock.millis());
        audit.record(company.id(), who, AuditLog.Event.OPERATOR_KEY_CREATED, "key " + key.id() + " '" + n + "' created");
        return new Created(key, secret);
    }

    /** The company's newest {@link #KEYS_LISTED_MAX} keys, live and revoked, oldest first. */
    public List<OperatorKey> list(Company company) {
        return store.ofCompany(company.id(), KEYS_LISTED_MAX);
    }

    /**
     * Revokes the company's key {@code id}: from now on it is refused on every node.
     *
     * @throws IllegalArgumentException when the company has no such key, or it is revoked already
     */
    public OperatorKey revoke(AuditLog.Actor who, Company company, long id) {
        OperatorKey key = store.byId(company.id(), id).orElseThrow(() -> new IllegalArgumentException(
                "company '" + company.name() + "' has no operator key " + id));
        if (!store.revoke(company.id(), id, clock.millis())) {
            throw new IllegalArgumentException("operator key " + id + " is revoked already");
        }
        audit.record(company.id(), who, AuditLog.Event.OPERATOR_KEY_REVOKED,
                "key " + id + " '" + key.name() + "' revoked");
        return store.byId(company.id(), id).orElseThrow();
    }

    /**
     * The live key whose text was presented; empty for a missing, oversized, unknown or revoked one.
     * A revoked key's use is audited ({@code OPERATOR_KEY_REFUSED}); unknown ones are not, as they
     * name no key.
     */
    public Optional<OperatorKey> authenticate(String presented, ClientInfo client) {
        if (presented == null || presented.isEmpty() || presented.length() > KEY_CHARS_MAX) {
            return Optional.empty();
        }
        Optional<OperatorKey> key = store.byHash(Secrets.sha256(presented));
        if (key.isPresent() && !key.get().live()) {
            OperatorKey k = key.get();
            audit.record(k.companyId(), actor(k, client), AuditLog.Event.OPERATOR_KEY_REFUSED, "revoked key presented");
            return Optional.empty();
        }
        return key;
    }

    /** The audit actor of a request made with {@code key}. */
    public static AuditLog.Actor actor(OperatorKey key, ClientInfo client) {
        return new AuditLog.Actor(key.id(), key.name(), key.companyId(), client);
    }
}
