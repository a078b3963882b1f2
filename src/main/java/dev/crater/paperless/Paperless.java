package dev.crater.paperless;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Paperless settings (reference 03-accounts.md §6, the spec's {@code DeliveryInformationDto} and
 * {@code DeliveryOptionsDto}): per account, whether each documented kind of document is delivered
 * electronically, and the addresses it goes to.
 */
public final class Paperless {
    private Paperless() {
    }

    /** What GET answers before any settings exist: the spec example's zero GUID and no options. */
    public static final String NO_ID = "00000000-0000-0000-0000-000000000000";

    /**
     * A documented document category with Crater's fixed {@code CategoryId} (a name-based UUID of
     * {@code crater:paperless:<Description>}, the same on every server).
     */
    public record Category(String description, String id) {
    }

    /** The four documented categories, in the docs' order. */
    public static final List<Category> CATEGORIES = List.of(
            new Category("Confirmations", "15dea27e-337f-3d26-bac0-42beaeb8b93a"),
            new Category("Statements", "fdce9603-c8c6-3f52-b511-129aa6d5c82c"),
            new Category("Tax Documents", "3a92b361-1095-30ea-8949-999baf3ee754"),
            new Category("Prospectus, Annual Reports and Proxies", "975327e7-a982-3a23-8a2b-554cef33f4f3"));

    /** The category a {@code CategoryId} (any case) or a {@code Description} (any case, trimmed) names. */
    public static Optional<Category> category(String categoryId, String description) {
        if (categoryId != null) {
            String id = categoryId.trim().toLowerCase(Locale.ROOT);
            return CATEGORIES.stream().filter(c -> c.id().equals(id)).findFirst();
        }
        if (description != null) {
            String d = description.trim();
            return CATEGORIES.stream().filter(c -> c.description().equalsIgnoreCase(d)).findFirst();
        }
        return Optional.empty();
    }

    /** {@code DeliveryOptionsDto}. */
    @JsonPropertyOrder({"Description", "IsPaperless", "CategoryId"})
    public record Option(String description, boolean isPaperless, String categoryId) {
    }

    /** {@code DeliveryInformationDto}: {@code AccountNo} is the account's clearing number. */
    @JsonPropertyOrder({"Id", "Email", "AccountNo", "SupplementEmail", "Options"})
    public record Settings(String id, String email, String accountNo, String supplementEmail, List<Option> options) {
    }

    /**
     * A change to an account's settings: {@code email}/{@code supplementEmail} null keeps the stored
     * value unless {@code set…} (then null clears it); {@code options} maps a category id to its value,
     * categories not named keep theirs (false when none was stored).
     */
    public record Change(boolean setEmail, String email, boolean setSupplementEmail, String supplementEmail,
            Map<String, Boolean> options) {
    }
}
