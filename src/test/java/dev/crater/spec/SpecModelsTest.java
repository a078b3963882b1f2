package dev.crater.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the model check the conformance suite relies on finds what a generated client would trip on, and
 * only that. Method: small answers checked against real models of the committed extract — one valid, then
 * each with one fault (a name in another case, a wrong JSON type, a number for an enum, a date without an
 * offset, a missing property, a bad map value, a bad nested item) — and an unknown key, which is reported
 * but valid.
 */
class SpecModelsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static SpecModels models;

    @BeforeAll
    static void load() throws IOException {
        models = new SpecModels(MAPPER.readTree(SpecExtractTest.committed()), Set.of("WatchlistModel"));
    }

    static JsonNode json(String s) throws IOException {
        return MAPPER.readTree(s.replace('\'', '"'));
    }

    static final String VALUE_ITEM = "{'Date': '2026-11-18T21:00:00Z', 'Value': 100000.5}";

    @Test
    void aCompleteWellTypedAnswerIsValidAndCovered() throws IOException {
        SpecModels.Result r = models.checkModel(json(VALUE_ITEM), "AccountValueItem");
        assertThat(r.problems).isEmpty();
        assertThat(r.seen.get("AccountValueItem")).containsExactly("Date", "Value");
        assertThat(r.defined.get("AccountValueItem")).isEqualTo(2);
    }

    @Test
    void eachFaultIsFound() throws IOException {
        assertThat(models.checkModel(json("{'date': '2026-11-18T21:00:00Z', 'Value': 1}"), "AccountValueItem")
                .problems).anyMatch(p -> p.contains("the spec spells it Date"));
        assertThat(models.checkModel(json("{'Date': '2026-11-18T21:00:00Z', 'Value': '1'}"), "AccountValueItem")
                .problems).containsExactly("$.Value: expected a number, got \"1\"");
        assertThat(models.checkModel(json("{'Date': '2026-11-18T21:00:00', 'Value': 1}"), "AccountValueItem")
                .problems).singleElement().asString().contains("not an ISO-8601 date-time with an offset");
        assertThat(models.checkModel(json("{'Value': 1}"), "AccountValueItem").problems)
                .containsExactly("$.Date: missing");
        assertThat(models.checkModel(json("{'m_Item1': 1.5, 'm_Item2': 'x'}"), "Tuple[Int32,String]").problems)
                .containsExactly("$.m_Item1: expected an integer, got 1.5");
        assertThat(models.checkModel(json("{'m_Item1': 4294967296, 'm_Item2': 'x'}"), "Tuple[Int32,String]")
                .problems).containsExactly("$.m_Item1: 4294967296 is out of the range of int32");
    }

    @Test
    void enumsAreTheSpecsNamesExactly() throws IOException {
        String fee = "{'CommissionId': 'Per Trade Commission', 'Id': 1, 'Leverage': 1, 'Seizure': %s,"
                + " 'Value': 1, 'ValueType': 'Absolute'}";
        assertThat(models.checkModel(json(fee.formatted("'Execution'")), "FeeModel").problems).isEmpty();
        assertThat(models.checkModel(json(fee.formatted("1")), "FeeModel").problems).hasSize(2)
                .anyMatch(p -> p.contains("expected a string")).anyMatch(p -> p.contains("not one of the spec's"));
        assertThat(models.checkModel(json(fee.formatted("'execution'")), "FeeModel").problems).singleElement()
                .asString().contains("not one of the spec's values");
    }

    @Test
    void nestedModelsArraysAndMapsAreChecked() throws IOException {
        JsonNode history = json("[" + VALUE_ITEM + ", {'Date': 'yesterday', 'Value': 1}]");
        JsonNode schema = json("{'type': 'array', 'items': {'$ref': '#/definitions/AccountValueItem'}}");
        assertThat(models.check(history, schema).problems).singleElement().asString().startsWith("$[1].Date");
        JsonNode map = json("{'type': 'object', 'additionalProperties': {'type': 'number', 'format': 'double'}}");
        assertThat(models.check(json("{'cash': 1, 'excess': 'x'}"), map).problems)
                .containsExactly("$.excess: expected a number, got \"x\"");
        assertThat(models.check(json("[1]"), map).problems).singleElement().asString().contains("expected an object");
    }

    @Test
    void unknownKeysAreExtrasNotProblemsAndNullIsNoValue() throws IOException {
        SpecModels.Result r = models.checkModel(json("{'Date': null, 'Value': 1, 'Note': 'x'}"), "AccountValueItem");
        assertThat(r.problems).isEmpty();
        assertThat(r.extras).containsExactly("AccountValueItem.Note");
    }

    @Test
    void onlyTheModelsThatOmitEmptyKeysMayLeaveAPropertyOut() throws IOException {
        String list = "{'Id': 1, 'Name': 'Tech', 'Type': 'UserList', 'CreateDate': '2026-11-18T21:00:00Z',"
                + " 'ModifyDate': '2026-11-18T21:00:00Z', 'ReadOnly': false}";
        SpecModels.Result r = models.checkModel(json(list), "WatchlistModel");
        assertThat(r.problems).isEmpty();
        assertThat(r.seen.get("WatchlistModel")).hasSize(6);
        assertThat(r.defined.get("WatchlistModel")).isEqualTo(9);
    }

    @Test
    void requiredPropertiesOfRequestModelsMustBeThereAndNotNull() throws IOException {
        assertThat(models.checkModel(json("{'Quantity': 1}"), "ModifyOrderResource").problems)
                .contains("$.Id: missing");
        assertThat(models.checkModel(json("{'Id': null}"), "ModifyOrderResource").problems)
                .contains("$.Id: required, got null");
        assertThat(models.checkModel(json("{'Id': 0}"), "ModifyOrderResource").problems)
                .contains("$.Id: 0 is below the minimum 1");
    }
}
