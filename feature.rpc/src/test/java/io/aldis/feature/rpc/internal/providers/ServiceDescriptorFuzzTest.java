package io.aldis.feature.rpc.internal.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the descriptor a client sends with SERVICE_PROVIDE ({@link ServiceDescriptor#parse}):
 * JSON naming the methods, their declared parameter types ({@code "n: List<Map<String,Long>>"})
 * and how they stream. The contract: a descriptor comes back, or an
 * {@link IllegalArgumentException} says in one line of the protocol's words what is wrong, never
 * Jackson's; and every declared signature then decodes parameters (here: none, and one JSON
 * null per parameter) into arguments or field errors, never an exception of its own.
 */
class ServiceDescriptorFuzzTest {
    @FuzzTest
    void descriptorOrAReasonInOneLine(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ServiceDescriptor descriptor;
        try {
            descriptor = ServiceDescriptor.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("refusal").isNotBlank().doesNotContain("\n").doesNotContain("Exception")
                    .doesNotContain("com.fasterxml").doesNotContain("jackson");
            return;
        }
        for (ExportedMethod signature : descriptor.signatures().values()) {
            decodes(signature, "[]");
            decodes(signature, "[null,null,null]");
        }
    }

    private static void decodes(ExportedMethod signature, String json) {
        try {
            signature.decode(json.getBytes(StandardCharsets.UTF_8), true);
        } catch (InvalidParamsException e) {
            for (FieldError error : e.errors()) {
                assertThat(error.reason()).doesNotContain("Exception").doesNotContain("com.fasterxml");
            }
        }
    }
}
