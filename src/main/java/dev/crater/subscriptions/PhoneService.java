package dev.crater.subscriptions;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.auth.CodeDelivery;
import dev.crater.auth.SecretBox;
import dev.crater.auth.Secrets;
import dev.crater.companies.Company;
import dev.crater.http.ApiException;
import dev.crater.http.Envelope;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Binding a phone number with an SMS code, as the Subscriptions API documents it. The bound number
 * changes only once the new one is verified; while SMS is the user's two-factor method the number
 * cannot be replaced or removed here (that would redirect login codes): switch the method first,
 * which needs the password and a current code.
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
            throw Envelope.error(409, "PhoneUsedForTwoFactor",
                    "This number receives your login codes; switch two-factor away from SMS first.");
        }
    }

    private String mac(long verificationId, String code) {
        return box.mac("phone:" + verificationId + ":" + code);
    }

    /**
     * Sends an SMS code to {@code phone} and returns the documented tuple with the verification id.
     *
     * @throws ApiException 422 for a number not in E.164 form, 409 while SMS is the second factor,
     *     429 when codes were asked for too often, 503 when the SMS could not be sent
     */
    public PhoneTuple start(Company company, User user, String phone) {
        if (!UserService.isE164(phone)) {
            throw ApiException.modelState("phoneNumber", "The phone number must be in international E.164 form, e.g. +13105550100.");
        }
        refuseWhileSmsIsTheSecondFactor(user);
        String code = Secrets.newCode();
        switch (delivery.sendToPhone(company, user, phone, code)) {
            case CodeDelivery.Result.Throttled t -> throw t.asApiException();
            case CodeDelivery.Result.Failed f -> throw Envelope.error(503, "CodeNotSent", "The SMS could not be sent.");
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
     * @throws ApiException 409 for an unknown, expired, used or exhausted verification or a wrong code
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
            throw Envelope.error(409, "VerificationNotFound", "No pending phone verification with this id; request a new code.");
        }
        if (code == null || !Secrets.equal(mac(tokenId, code.trim()), p.get().codeMac())) {
            jdbi.useHandle(h -> h.createUpdate("""
                            UPDATE phone_verifications SET failures = failures + 1,
                                state = CASE WHEN failures + 1 >= :max THEN 'DEAD' ELSE state END
                            WHERE id = :id""")
                    .bind("max", FAILURES_MAX).bind("id", tokenId).execute());
            throw Envelope.error(409, "InvalidVerificationCode", "The verification code is incorrect.");
        }
        int won = jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE phone_verifications SET state = 'DONE' WHERE id = :id AND state = 'OPEN'")
                .bind("id", tokenId).execute());
        if (won != 1) {
            throw Envelope.error(409, "VerificationNotFound", "This verification was already used.");
        }
        users.setPhone(user.id(), p.get().phone(), User.PhoneState.Active);
        return new PhoneNumberModel(p.get().phone(), User.PhoneState.Active.name());
    }

    /** Unbinds the number. */
    public void remove(User user) {
        refuseWhileSmsIsTheSecondFactor(user);
        users.setPhone(user.id(), null, User.PhoneState.NotLinked);
    }
}
