package dev.crater.users;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.companies.Company;
import dev.crater.crypto.Secrets;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * A company's ProTrader group (the spec's {@code Users_AddUserToGroup}): an operator invites a user,
 * who gets a confirmation token by e-mail (only its SHA-256 is stored) and joins by sending it to
 * {@code POST /users/@me/group?confirmationToken=…}, once, within {@link #INVITE_TTL}. Membership
 * shows in the user's access settings as {@link #ACCESS_NAME} of category {@code ClientsAccess}.
 */
public final class ProTraderGroup {
    /** How long an invitation's token works. */
    public static final Duration INVITE_TTL = Duration.ofDays(7);
    /** Longest token read (a real one is 43 characters). */
    static final int TOKEN_CHARS_MAX = 100;
    /** Members or invitations an operator's listing shows. */
    public static final int LIST_MAX = 1_000;
    /** The group's name on the wire. */
    public static final String GROUP = "ProTrader";
    /** The access type a member has (category ClientsAccess, value "1"). */
    public static final String ACCESS_NAME = "ProTraderGroup";
    /** The 400 of a token that is unknown, used, expired, or another user's. */
    public static final String FAILED = "Failed to add user into group: the confirmation token is not valid"
            + " (unknown, used, expired or not yours).";

    /** The answer of a successful join. */
    @JsonPropertyOrder({"UserId", "Group", "JoinedAt"})
    public record Joined(long userId, String group, String joinedAt) {
    }

    /** An operator's invitation: the token, shown once, and whether the mail was accepted. */
    public record Invitation(String token, long expiresAtMs, boolean mailed) {
    }

    private final ProTraderStore store;
    private final Mailer mailer;
    private final InstantSource clock;

    public ProTraderGroup(ProTraderStore store, Mailer mailer, InstantSource clock) {
        this.store = store;
        this.mailer = mailer;
        this.clock = clock;
    }

    /**
     * Invites a user of {@code company}: a new token (an earlier unused one stops working), e-mailed to
     * the user's address.
     *
     * @throws IllegalArgumentException for a user of another company or one already a member
     */
    public Invitation invite(Company company, User user) {
        if (user.companyId() != company.id()) {
            throw new IllegalArgumentException("user " + user.id() + " is not of company '" + company.name() + "'");
        }
        if (store.member(user.id()).isPresent()) {
            throw new IllegalArgumentException("'" + user.username() + "' is already in the ProTrader group");
        }
        String token = Secrets.newToken();
        long now = clock.millis();
        long expires = now + INVITE_TTL.toMillis();
        store.invite(company.id(), user.id(), Secrets.sha256(token), now, expires);
        boolean mailed = true;
        try {
            mailer.send(mail(company, user, token));
        } catch (Mailer.DeliveryException e) {
            mailed = false;
        }
        return new Invitation(token, expires, mailed);
    }

    Mail mail(Company company, User user, String token) {
        return new Mail(user.email(), company.name() + ": your invitation to the ProTrader group",
                "Hello " + (user.firstName() == null || user.firstName().isBlank() ? user.username() : user.firstName())
                        + ",\n" + company.name() + " invites the login " + user.username() + " into its ProTrader group.\n"
                        + "Your confirmation token: " + token + "\n"
                        + "Your app sends it to POST /api/v1.0/users/@me/group?confirmationToken=… while you are logged in.\n"
                        + "It works once, for " + INVITE_TTL.toDays() + " days, and only for this login.\n"
                        + "If you did not expect this, ignore this message.");
    }

    /**
     * The caller joins with their token.
     *
     * @throws ApiException 400 {@code {"Message": …}} for a missing, unknown, used, expired or another user's token
     */
    public Joined join(User user, String token) {
        ApiException failed = new ApiException(400, new ApiError.Message(FAILED));
        if (token == null || token.isBlank() || token.trim().length() > TOKEN_CHARS_MAX) {
            throw failed;
        }
        ProTraderStore.Member m = store.join(user.companyId(), user.id(), Secrets.sha256(token.trim()), clock.millis())
                .orElseThrow(() -> failed);
        return new Joined(m.userId(), GROUP, Dates.iso(m.joinedAtMs()));
    }

    public Optional<ProTraderStore.Member> member(long userId) {
        return store.member(userId);
    }

    public List<ProTraderStore.Member> members(long companyId) {
        return store.members(companyId, LIST_MAX);
    }

    public List<ProTraderStore.Invite> pending(long companyId) {
        return store.pending(companyId, LIST_MAX);
    }

    /** Removes the user from the group (and cancels an unused invitation); whether there was either. */
    public boolean remove(User user) {
        return store.remove(user.id());
    }
}
