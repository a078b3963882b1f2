package dev.crater.crypto;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Random tokens and codes from a CSPRNG, their one-way digests for storage, and constant-time
 * comparison. Bearer and interim tokens carry 256 bits; only SHA-256 of them is ever stored.
 */
public final class Secrets {
    /** Random bytes in every token: 256 bits, well above the 128 the issue requires. */
    public static final int TOKEN_BYTES = 32;
    /** Digits in a verification code. */
    public static final int CODE_DIGITS = 6;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_B64 = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** A new opaque token: 43 URL-safe base64 characters. */
    public static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return URL_B64.encodeToString(bytes);
    }

    /** A new numeric code, uniformly distributed, zero-padded to {@link #CODE_DIGITS}. */
    public static String newCode() {
        int bound = (int) Math.pow(10, CODE_DIGITS);
        return String.format("%0" + CODE_DIGITS + "d", RANDOM.nextInt(bound));
    }

    /** A new application key: 32 random bytes, URL-safe base64. */
    public static String newAppKey() {
        return newToken();
    }

    /** Hex SHA-256 of a high-entropy token: what the store keeps instead of the token. */
    public static String sha256(String token) {
        MessageDigest md;
        try {
            // A clone of one prototype: the provider lookup of getInstance was visible on every request.
            md = (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            md = newSha256();
        }
        return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Hex HMAC-SHA256 of a low-entropy code keyed by the interim token it was issued for. The
     * store holds only the token's digest, so a copy of the store cannot test code guesses.
     */
    public static String codeMac(String interimToken, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(interimToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /** Constant-time equality of two strings (length may leak; contents do not). */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
