package io.aldis.feature.rpc.internal.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.rpc.api.MethodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceDescriptorTest {
    @Test
    void blankIsAServiceWithoutAMethodList() {
        assertThat(ServiceDescriptor.parse("").methods()).isEmpty();
        assertThat(ServiceDescriptor.parse(null).signatures()).isEmpty();
    }

    @Test
    void methodsWithParametersAreCheckedAndMethodsByNameAreNot() {
        ServiceDescriptor d = ServiceDescriptor.parse("{\"methods\":[{\"name\":\"echo\",\"params\":[\"text: String\"],"
                + "\"result\":\"String\"},\"ping\",{\"name\":\"free\"}]}");
        assertThat(d.methods()).containsExactly(new MethodInfo("echo", List.of("text: String"), "String"),
                new MethodInfo("ping", List.of(), "?"), new MethodInfo("free", List.of(), "?"));
        assertThat(d.signatures()).containsOnlyKeys("echo");
    }

    @Test
    void aBadDescriptorIsRefusedInTheProtocolsWords() {
        assertThatThrownBy(() -> ServiceDescriptor.parse("{\"methods\":")).hasMessage("the service descriptor is not valid JSON");
        assertThatThrownBy(() -> ServiceDescriptor.parse("[1]")).hasMessage("the service descriptor must be a JSON object");
        assertThatThrownBy(() -> ServiceDescriptor.parse("{\"methods\":[{\"params\":[]}]}"))
                .hasMessage("each method of the descriptor needs a name");
    }
}
