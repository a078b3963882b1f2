package dev.crater.companies;

import java.util.Objects;

/**
 * A broker or app publisher. Its application key is the documented {@code Et-App-Key}: an
 * identifier shipped inside client apps, so it is stored as is and can be listed by operators.
 */
public record Company(long id, String name, String appKey, long createdAtMs) {
    public Company {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(appKey, "appKey");
    }
}
