package dev.crater.watchlists;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.securities.SecurityModel;
import java.util.List;

/**
 * The documented WatchlistModel (reference 07-watchlists.md §2). {@code Description}, {@code Source}
 * and {@code SecurityList} are left out when empty, as in the examples; {@code SecurityList} is
 * present only when securities were asked for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"Id", "Name", "Type", "CreateDate", "ModifyDate", "Description", "ReadOnly", "Source",
        "SecurityList"})
public record WatchlistModel(long id, String name, Type type, String createDate, String modifyDate,
        String description, boolean readOnly, String source, List<SecurityModel> securityList) {

    /** The documented list types; Crater makes {@code UserList} and {@code SystemList}. */
    public enum Type { UserList, SystemList, Snapshot }

    /** The documented CreateWatchlistModel; {@code Securities} is read loosely and checked by the service. */
    public record CreateWatchlistModel(String name, JsonNode securities) {
    }

    /** The documented SecuritySignature. */
    public record SecuritySignature(String symbol, String exchange, String currency) {
    }

    /** The rename answer, the documented {@code Tuple[Int32,String]}: .NET tuple keys on the wire. */
    @JsonPropertyOrder({"m_Item1", "m_Item2"})
    public record NameTuple(@JsonProperty("m_Item1") long item1, @JsonProperty("m_Item2") String item2) {
    }
}
