package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubscriptionOptionsTest {
    @Test
    void noOptionsMeansNothingAskedFor() {
        assertThat(SubscriptionOptions.parse("")).isEqualTo(new SubscriptionOptions(null, -1));
    }

    @Test
    void policyAndBudgetAreRead() {
        assertThat(SubscriptionOptions.parse("{\"policy\":\"drop-oldest\",\"budgetBytes\":4096}"))
                .isEqualTo(new SubscriptionOptions("drop-oldest", 4096));
    }

    @Test
    void whatBreaksTheRulesIsSaidInTheProtocolsWords() {
        assertThatThrownBy(() -> SubscriptionOptions.parse("{\"budgetBytes\":-1}")).hasMessageContaining("positive");
        assertThatThrownBy(() -> SubscriptionOptions.parse("{\"policy\":1}")).hasMessage("'policy' must be a string");
        assertThatThrownBy(() -> SubscriptionOptions.parse("{\"colour\":1}")).hasMessage("unknown option 'colour'");
        assertThatThrownBy(() -> SubscriptionOptions.parse("[1]")).hasMessageContaining("object");
        assertThatThrownBy(() -> SubscriptionOptions.parse("{} {}")).hasMessage("options must be one JSON object");
        assertThatThrownBy(() -> SubscriptionOptions.parse("{\"policy\":")).hasMessage("options are not well-formed JSON");
    }
}
