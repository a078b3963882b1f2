package dev.crater.auth;

import com.bastiaanjansen.otp.HMACAlgorithm;
import com.bastiaanjansen.otp.SecretGenerator;
import com.bastiaanjansen.otp.TOTPGenerator;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import javax.imageio.ImageIO;

/**
 * Authenticator-app codes (RFC 6238) with otp-java: 6 digits, 30-second steps, HMAC-SHA1 (what
 * every authenticator app supports), one step of clock drift either way. QR codes with ZXing.
 */
public final class Totp {
    public static final int DIGITS = 6;
    public static final Duration STEP = Duration.ofSeconds(30);
    /** Steps of clock drift accepted on either side of the current one. */
    public static final int DRIFT_STEPS = 1;
    /** Secret size: 160 bits, the RFC 4226 recommendation. */
    static final int SECRET_BITS = 160;
    static final int QR_PIXELS = 256;

    private Totp() {
    }

    /** A new random secret, Base32 text as authenticator apps expect it. */
    public static String newSecret() {
        return new String(SecretGenerator.generate(SECRET_BITS), StandardCharsets.US_ASCII);
    }

    private static TOTPGenerator generator(String base32Secret) {
        return new TOTPGenerator.Builder(base32Secret.getBytes(StandardCharsets.US_ASCII))
                .withHOTPGenerator(b -> {
                    b.withPasswordLength(DIGITS);
                    b.withAlgorithm(HMACAlgorithm.SHA1);
                })
                .withPeriod(STEP)
                .build();
    }

    /** The code an app shows at {@code instant}. */
    public static String codeAt(String base32Secret, Instant instant) {
        return generator(base32Secret).at(instant);
    }

    /** The time step number of {@code instant}. */
    public static long stepOf(Instant instant) {
        return instant.getEpochSecond() / STEP.toSeconds();
    }

    /**
     * The time step whose code equals {@code code}, searching the current step and
     * {@link #DRIFT_STEPS} either side; empty when none matches. Comparison is constant-time.
     */
    public static OptionalLong matchingStep(String base32Secret, String code, Instant now) {
        if (code == null || code.length() != DIGITS) {
            return OptionalLong.empty();
        }
        TOTPGenerator g = generator(base32Secret);
        long current = stepOf(now);
        long found = -1;
        for (long step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
            String expected = g.at(Instant.ofEpochSecond(step * STEP.toSeconds()));
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII))) {
                found = step;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** The {@code otpauth://totp/…} URI an app scans. */
    public static URI uri(String base32Secret, String issuer, String account) {
        try {
            return generator(base32Secret).getURI(issuer, account);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build an otpauth URI for issuer '" + issuer + "'", e);
        }
    }

    /** A PNG of the QR code for {@code uri}. */
    public static byte[] qrPng(URI uri) {
        try {
            BitMatrix m = new QRCodeWriter().encode(uri.toString(), BarcodeFormat.QR_CODE, QR_PIXELS, QR_PIXELS,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            BufferedImage img = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    img.setRGB(x, y, m.get(x, y) ? 0x000000 : 0xFFFFFF);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("URI too long for a QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
