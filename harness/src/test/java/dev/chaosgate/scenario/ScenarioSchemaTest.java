package dev.chaosgate.scenario;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.link.toxic.ToxicRegistry;
import dev.chaosgate.scenario.syntax.ScenarioSyntax;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed {@code scenarios/scenario.schema.json} is generated from the one definition of the
 * format ({@link ScenarioSyntax}, the faults' forms, the toxics' and guidance catalogs), so editors
 * see exactly what the loader reads. Regenerate it after changing the format with
 * {@code mvn -pl harness -am test -Dtest=ScenarioSchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dchaosgate.writeSchema=true}.
 */
class ScenarioSchemaTest {

    /** The schema as the build writes it: two-space indents, one key per line, a final newline. */
    static String generated() throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        return new ObjectMapper().writer(printer)
                .writeValueAsString(ScenarioSyntax.schema(ToxicRegistry.load(), GuidanceCatalog.builtIn())) + "\n";
    }

    @Test
    void theCommittedSchemaIsTheGeneratedOne() throws IOException {
        String generated = generated();
        if (Boolean.getBoolean("chaosgate.writeSchema")) {
            Files.writeString(SchemaCheck.SCHEMA, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(SchemaCheck.SCHEMA, StandardCharsets.UTF_8))
                .as("scenarios/scenario.schema.json is stale: regenerate it with mvn -pl harness -am test -Dtest=ScenarioSchemaTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dchaosgate.writeSchema=true")
                .isEqualTo(generated);
    }
}
