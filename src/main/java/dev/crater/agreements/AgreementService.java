package dev.crater.agreements;

import dev.crater.common.Refusal;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The agreements operators give a company (reference 02-users.md §4), what a user has not signed,
 * and signing: the agreement's current version and the time from the clock are recorded.
 */
public final class AgreementService {
    /** Agreements a company may have, retired ones included. */
    public static final int PER_COMPANY_MAX = 50;

    private final AgreementStore store;
    private final InstantSource clock;

    public AgreementService(AgreementStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Adds an agreement at version 1.
     *
     * @throws IllegalArgumentException for a blank or long name, a URL that is not http(s), too many agreements
     */
    public Agreement add(long companyId, Agreement.Type type, String name, String url, boolean canSkip) {
        if (name == null || name.isBlank() || name.trim().length() > Agreement.NAME_CHARS_MAX) {
            throw new IllegalArgumentException("an agreement's name is 1.." + Agreement.NAME_CHARS_MAX + " characters");
        }
        String u = url == null || url.isBlank() ? null : url.trim();
        if (u != null && (u.length() > Agreement.URL_CHARS_MAX || !isWebUrl(u))) {
            throw new IllegalArgumentException("an agreement's URL is an http(s) URL of at most " + Agreement.URL_CHARS_MAX
                    + " characters");
        }
        if (store.ofCompany(companyId, true).size() >= PER_COMPANY_MAX) {
            throw new IllegalArgumentException("a company has at most " + PER_COMPANY_MAX + " agreements");
        }
        return store.insert(companyId, type, name.trim(), u, canSkip, clock.millis());
    }

    private static boolean isWebUrl(String u) {
        try {
            URI uri = new URI(u);
            return uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** The demo set: platform terms that must be signed, and a market-data agreement the app may skip. */
    public List<Agreement> addDemoSet(long companyId) {
        return List.of(
                add(companyId, Agreement.Type.Platform, "Platform terms of use", "https://example.com/terms", false),
                add(companyId, Agreement.Type.Quotemedia, "Market data subscriber agreement (QuoteMedia)",
                        "https://example.com/market-data", true));
    }

    /** The company's agreement of this id (an operator's or a user's view of their own company). */
    public Optional<Agreement> byId(long companyId, long id) {
        return store.byId(id).filter(a -> a.companyId() == companyId);
    }

    public List<Agreement> ofCompany(long companyId) {
        return store.ofCompany(companyId, true);
    }

    /** A new version of the agreement: every user has to sign it again. */
    public Agreement revise(long companyId, long id) {
        Agreement a = byId(companyId, id).orElseThrow(() -> new IllegalArgumentException("no agreement " + id + " in this company"));
        store.revise(a.id(), clock.millis());
        return store.byId(a.id()).orElseThrow();
    }

    public Agreement setRetired(long companyId, long id, boolean retired) {
        Agreement a = byId(companyId, id).orElseThrow(() -> new IllegalArgumentException("no agreement " + id + " in this company"));
        store.setRetired(a.id(), retired, clock.millis());
        return store.byId(a.id()).orElseThrow();
    }

    /** The company's live agreements the user has not signed in their current version. */
    public List<Agreement> unsigned(long companyId, long userId) {
        return store.unsigned(companyId, userId);
    }

    /**
     * Signs the agreement's current version now; signing a version again keeps the first signature.
     *
     * @throws Refusal.NotFound when the company has no live agreement of this id
     */
    public Agreement.Signature sign(long companyId, long userId, long agreementId) {
        Agreement a = byId(companyId, agreementId).filter(x -> !x.retired())
                .orElseThrow(() -> new Refusal.NotFound("No agreement " + agreementId + " to sign."));
        return store.sign(userId, a.id(), a.version(), clock.millis());
    }

    public List<Agreement.Signature> signatures(long userId) {
        return store.signatures(userId);
    }
}
