package dev.crater.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Goal: {@code CRATER_LOG_FORMAT=json} gives one JSON object a line, the default one text line, from
 * the server's own logback.xml.
 *
 * <p>Method: the main logback.xml (not the tests') configures a fresh Logback context with the
 * variable set as a context property, and a line is logged with System.err captured.
 */
@Isolated("replaces System.err for a moment")
class LogFormatTest {

    static String logWith(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        if (format != null) {
            context.putProperty("CRATER_LOG_FORMAT", format);
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(Path.of("src/main/resources/logback.xml").toUri().toURL());
            context.getLogger("dev.crater.ops.Example").warn("order {} refused: \"{}\"", 42, "no funds");
        } finally {
            context.stop();
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneObjectALine() throws Exception {
        String out = logWith("json");
        assertThat(out.lines().toList()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(out);
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.crater.ops.Example");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("order 42 refused: \"no funds\"");
        assertThat(line.path("timestamp").asLong()).isPositive();
        assertThat(line.has("threadName")).isTrue();
    }

    @Test
    void textIsTheDefault() throws Exception {
        String out = logWith(null);
        assertThat(out).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[[^]]+\\] dev\\.crater\\.ops\\.Example - "
                + "order 42 refused: \"no funds\"\\R");
        assertThat(logWith("text")).contains(" WARN  ").doesNotStartWith("{");
    }
}
