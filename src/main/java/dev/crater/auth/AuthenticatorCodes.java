package dev.crater.auth;

import dev.crater.crypto.SecretBox;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Instant;
import java.util.OptionalLong;

/** Checks a user's authenticator-app code: current step ±1, each step accepted at most once. */
public final class AuthenticatorCodes {
    private final UserService users;
    private final SecretBox box;

    public AuthenticatorCodes(UserService users, SecretBox box) {
        this.users = users;
        this.box = box;
    }

    /** True when {@code code} is the user's code for now (±1 step) and that step was not used before. */
    public boolean accept(User user, String code, long nowMs) {
        if (!user.totpEnrolled() || code == null) {
            return false;
        }
        OptionalLong step = Totp.matchingStep(box.open(user.totpSecretSealed()), code.trim(), Instant.ofEpochMilli(nowMs));
        return step.isPresent() && users.useTotpStep(user.id(), step.getAsLong());
    }
}
