package dev.crater.subscriptions;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.auth.CodeDelivery;
import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import dev.crater.subscriptions.SubscriptionRoutes.Channel;
import dev.crater.subscriptions.SubscriptionRoutes.SubscriptionModel;
import dev.crater.subscriptions.SubscriptionRoutes.SubscriptionType;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Binding a phone number with an SMS code, as the Subscriptions API documents it, and the
 * notification subscriptions whose text-message channel depends on that number. The bound number
 * changes only once the new one is verified; while SMS is the user's two-factor method the number
 * cannot be replaced or removed here (that would redirect login codes): switch the method first,
 * which needs the password and a current code.
 *
 * <p>Subscriptions: a state per Channel × SubscriptionType; only the states a user changed are
 * stored (table {@code subscriptions}), the rest are the defaults of {@link #defaultState}. Text
 * messages are {@code Suspended} whatever was chosen while no phone number is bound and verified.
 */
public final class PhoneService {
    public static final int FAILURES_MAX = 5;

    /** The documented PhoneNumberModel. */
    @JsonPropertyOrder({"PhoneNumber", "PhoneNumberState"})
    public record PhoneNumberModel(String phoneNumber, String phoneNumberState) {
    }

    /** The documented {@code Tuple[PhoneNumberModel,Int32]}: .NET tuple keys on the wire. */
    @JsonPropertyOrder({"m_Item1", "m_Item2"})
    public record PhoneTuple(@com.fasterxml.jackson.annotation.JsonProperty("m_Item1") PhoneNumberModel item1,
                             @com.fasterxml.jackson.annotation.JsonProperty("m_Item2") long item2) {
    }

    private final Jdbi jdbi;
    private final UserService users;
    private final CodeDelivery delivery;
    private final SecretBox box;
    private final InstantSource clock;
    private final Duration codeTtl;

    public PhoneService(Jdbi jdbi, UserService users, CodeDelivery delivery, SecretBox box, InstantSource clock,
                        Duration codeTtl) {
        this.jdbi = jdbi;
        this.users = users;
        this.delivery = delivery;
        this.box = box;
        this.clock = clock;
        this.codeTtl = codeTtl;
    }

    public PhoneNumberModel current(User user) {
        return new PhoneNumberModel(user.phone(), user.phone() == null ? User.PhoneState.NotLinked.name() : user.phoneState().name());
    }

    private void refuseWhileSmsIsTheSecondFactor(User user) {
        if (user.twoFactor() == User.TwoFactorMethod.SMS) {
            throw Refusal.Coded.conflict("PhoneUsedForTwoFactor",
                    "This number receives your login codes; switch two-factor away from SMS first.");
        }
    }

    private String mac(long verificationId, String code) {
        return box.mac("phone:" + verificationId + ":" + code);
    }

    /**
     * Sends an SMS code to {@code phone} and returns the documented tuple with the verification id.
     *
     * @throws Refusal 422 for a number not in E.164 form, 409 while SMS is the second factor,
     *     429 when codes were asked for too often, 503 when the SMS could not be sent
     */
    public PhoneTuple start(Company company, User user, String phone) {
        if (!UserService.isE164(phone)) {
            throw Refusal.invalid("phoneNumber", "The phone number must be in international E.164 form, e.g. +13105550100.");
        }
        refuseWhileSmsIsTheSecondFactor(user);
        String code = Secrets.newCode();
        switch (delivery.sendToPhone(company, user, phone, code)) {
            case CodeDelivery.Result.Throttled t -> throw t.refusal();
            case CodeDelivery.Result.Failed f -> throw Refusal.Coded.unavailable("CodeNotSent", "The SMS could not be sent.");
            case CodeDelivery.Result.Sent s -> {
            }
        }
        long now = clock.millis();
        long id = jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE phone_verifications SET state = 'DEAD' WHERE user_id = :u AND state = 'OPEN'")
                    .bind("u", user.id()).execute();
            long newId = h.createUpdate("""
                            INSERT INTO phone_verifications (user_id, phone, code_mac, failures, state, created_at_ms, expires_at_ms)
                            VALUES (:u, :p, '', 0, 'OPEN', :now, :exp)""")
                    .bind("u", user.id()).bind("p", phone).bind("now", now).bind("exp", now + codeTtl.toMillis())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            h.createUpdate("UPDATE phone_verifications SET code_mac = :m WHERE id = :id")
                    .bind("m", mac(newId, code)).bind("id", newId).execute();
            return newId;
        });
        return new PhoneTuple(new PhoneNumberModel(phone, User.PhoneState.NotVerified.name()), id);
    }

    private record Pending(long id, String phone, String codeMac, int failures, String state, long expiresAtMs) {
    }

    /**
     * Binds the number of verification {@code tokenId} when {@code code} is its SMS code.
     *
     * @throws Refusal 409 for an unknown, expired, used or exhausted verification or a wrong code
     */
    public PhoneNumberModel confirm(User user, long tokenId, String code) {
        refuseWhileSmsIsTheSecondFactor(user);
        long now = clock.millis();
        Optional<Pending> p = jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM phone_verifications WHERE id = :id AND user_id = :u")
                .bind("id", tokenId).bind("u", user.id())
                .map((rs, ctx) -> new Pending(rs.getLong("id"), rs.getString("phone"), rs.getString("code_mac"),
                        rs.getInt("failures"), rs.getString("state"), rs.getLong("expires_at_ms")))
                .findOne());
        if (p.isEmpty() || !p.get().state().equals("OPEN") || now >= p.get().expiresAtMs()
                || p.get().failures() >= FAILURES_MAX) {
            throw Refusal.Coded.conflict("VerificationNotFound", "No pending phone verification with this id; request a new code.");
        }
        if (code == null || !Secrets.equal(mac(tokenId, code.trim()), p.get().codeMac())) {
            jdbi.useHandle(h -> h.createUpdate("""
                            UPDATE phone_verifications SET failures = failures + 1,
                                state = CASE WHEN failures + 1 >= :max THEN 'DEAD' ELSE state END
                            WHERE id = :id""")
                    .bind("max", FAILURES_MAX).bind("id", tokenId).execute());
            throw Refusal.Coded.conflict("InvalidVerificationCode", "The verification code is incorrect.");
        }
        int won = jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE phone_verifications SET state = 'DONE' WHERE id = :id AND state = 'OPEN'")
                .bind("id", tokenId).execute());
        if (won != 1) {
            throw Refusal.Coded.conflict("VerificationNotFound", "This verification was already used.");
        }
        users.setPhone(user.id(), p.get().phone(), User.PhoneState.Active);
        return new PhoneNumberModel(p.get().phone(), User.PhoneState.Active.name());
    }

    /** Unbinds the number. */
    public void remove(User user) {
        refuseWhileSmsIsTheSecondFactor(user);
        users.setPhone(user.id(), null, User.PhoneState.NotLinked);
    }

    // ---- notification subscriptions ------------------------------------------------------------

    /**
     * Defaults: e-mail and in-app alerts on; text messages on once a phone number is bound; push
     * suspended until a device registers.
     */
    static String defaultState(Channel c, User user) {
        return switch (c) {
            case Email, WebPopupAlert -> User.PhoneState.Active.name();
            case MobileText -> user.phoneActive() ? User.PhoneState.Active.name() : User.PhoneState.Suspended.name();
            case MobilePush, Disabled -> User.PhoneState.Suspended.name();
        };
    }

    private Map<String, String> storedStates(long userId) {
        Map<String, String> stored = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT channel, subscription_type, state FROM subscriptions WHERE user_id = :u")
                .bind("u", userId)
                .map((rs, ctx) -> Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getString(3)))
                .forEach(e -> stored.put(e.getKey(), e.getValue())));
        return stored;
    }

    private static String effective(Channel c, SubscriptionType t, User user, Map<String, String> stored) {
        if (c == Channel.MobileText && !user.phoneActive()) {
            return User.PhoneState.Suspended.name();
        }
        return stored.getOrDefault(c.name() + "/" + t.name(), defaultState(c, user));
    }

    /** Every subscription of the user (or of one channel), in the documented order. */
    public List<SubscriptionModel> subscriptions(User user, Channel only) {
        Map<String, String> stored = storedStates(user.id());
        List<SubscriptionModel> out = new ArrayList<>();
        for (Channel c : Channel.values()) {
            if (c == Channel.Disabled || (only != null && only != c)) {
                continue;
            }
            for (SubscriptionType t : SubscriptionType.values()) {
                out.add(new SubscriptionModel(c, t, effective(c, t, user, stored)));
            }
        }
        return out;
    }

    /** The state that decides whether {@code user} is notified of {@code type} on {@code channel}. */
    public String subscriptionState(User user, Channel channel, SubscriptionType type) {
        return effective(channel, type, user, storedStates(user.id()));
    }

    /** True when {@code user} is to be notified of {@code type} on {@code channel}. */
    public boolean subscribed(User user, Channel channel, SubscriptionType type) {
        return User.PhoneState.Active.name().equals(subscriptionState(user, channel, type));
    }

    /**
     * Sets one subscription's state: {@code Active} or {@code Suspended}.
     *
     * @throws Refusal 422 for the {@code Disabled} channel or another state; 409 for text
     *     messages turned on without a bound and verified phone number
     */
    public SubscriptionModel setSubscription(User user, Channel channel, SubscriptionType type, User.PhoneState state) {
        if (channel == Channel.Disabled) {
            throw Refusal.invalid("model.Channel", "Channel must be one of Email, MobileText, MobilePush, WebPopupAlert.");
        }
        if (state != User.PhoneState.Active && state != User.PhoneState.Suspended) {
            throw Refusal.invalid("model.State", "State can be set to Active or Suspended.");
        }
        if (channel == Channel.MobileText && state == User.PhoneState.Active && !user.phoneActive()) {
            throw Refusal.Coded.conflict("PhoneNotBound", "Bind and verify a phone number before turning text messages on.");
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO subscriptions (user_id, channel, subscription_type, state) VALUES (:u, :c, :t, :s)
                        ON CONFLICT (user_id, channel, subscription_type) DO UPDATE SET state = excluded.state""")
                .bind("u", user.id()).bind("c", channel.name()).bind("t", type.name()).bind("s", state.name())
                .execute());
        return new SubscriptionModel(channel, type, subscriptionState(user, channel, type));
    }
}
