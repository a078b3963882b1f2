package dev.crater.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Outgoing text messages through an HTTP gateway speaking the form-encoded "Messages" shape
 * (Twilio-style). When {@code CRATER_SMS_URL} is unset there is no SMS configuration and text
 * messages go to the development outbox instead.
 *
 * @param url      the gateway's message endpoint, absolute http or https, {@code CRATER_SMS_URL}
 * @param account  basic-auth user (account SID or API key), empty for no authentication,
 *                 {@code CRATER_SMS_ACCOUNT}
 * @param token    basic-auth password, empty for none, {@code CRATER_SMS_TOKEN}
 * @param from     sender number (E.164) or sender ID the gateway accepts, {@code CRATER_SMS_FROM}
 */
public record SmsConfig(URI url, String account, String token, String from) {

    public SmsConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(from, "from");
        account = account == null ? "" : account;
        token = token == null ? "" : token;
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("CRATER_SMS_URL must be an absolute http or https URL, got '"
                    + url + "'");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("CRATER_SMS_URL must name a host, got '" + url + "'");
        }
        // Credentials in the URL would be printed by describe() and in errors; they belong in the
        // separate variables. The value is not echoed here for the same reason.
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "CRATER_SMS_URL must not contain credentials; use CRATER_SMS_ACCOUNT and CRATER_SMS_TOKEN");
        }
        if (from.isBlank()) {
            throw new IllegalArgumentException("CRATER_SMS_FROM must not be blank");
        }
        // A token without an account can only be a configuration slip: basic auth needs a user.
        if (account.isEmpty() && !token.isEmpty()) {
            throw new IllegalArgumentException("CRATER_SMS_TOKEN is set but CRATER_SMS_ACCOUNT is empty");
        }
    }

    /** Whether requests carry HTTP basic authentication. */
    public boolean hasCredentials() {
        return !account.isEmpty();
    }

    /** Never prints the token: records print every component by default and this one is a secret. */
    @Override
    public String toString() {
        return "SmsConfig[url=" + url + ", account=" + account + ", token=" + (token.isEmpty() ? "" : "***")
                + ", from=" + from + "]";
    }

    /**
     * Reads {@code CRATER_SMS_URL}, {@code CRATER_SMS_ACCOUNT}, {@code CRATER_SMS_TOKEN} and
     * {@code CRATER_SMS_FROM}.
     *
     * @return empty when {@code CRATER_SMS_URL} is unset or blank
     * @throws IllegalArgumentException naming the variable when a value is malformed or missing
     */
    public static Optional<SmsConfig> fromEnvironment(Map<String, String> env) {
        CraterConfig.Env e = new CraterConfig.Env(env);
        String url = e.string("CRATER_SMS_URL", "");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException ex) {
            throw new IllegalArgumentException("CRATER_SMS_URL is not a valid URL: " + ex.getReason()
                    + " at index " + ex.getIndex(), ex);
        }
        String from = e.string("CRATER_SMS_FROM", "");
        if (from.isEmpty()) {
            throw new IllegalArgumentException("CRATER_SMS_FROM must be set when CRATER_SMS_URL is set");
        }
        return Optional.of(new SmsConfig(uri,
                e.string("CRATER_SMS_ACCOUNT", ""),
                e.string("CRATER_SMS_TOKEN", ""),
                from));
    }
}
