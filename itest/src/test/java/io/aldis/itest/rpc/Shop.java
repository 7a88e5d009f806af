package io.aldis.itest.rpc;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.api.Size;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Service types the RPC tests export: plain interfaces and records that know nothing of the node. */
public final class Shop {
    private Shop() {
    }

    public enum Priority { LOW, NORMAL, HIGH }

    public record Item(@Required @Pattern("[A-Z]{3}-\\d{1,6}") String sku, @Min(1) @Max(1000) int quantity) {
    }

    public record Address(@Required @Size(min = 1, max = 60) String city, String street) {
    }

    public record Order(@Required @Size(min = 1) String customer, @Required @Size(min = 1, max = 50) List<Item> items,
            Priority priority, Address shipTo) {
    }

    public record Receipt(String customer, int totalQuantity, Priority priority, List<String> skus, String city) {
    }

    public interface Calculator {
        int add(int a, int b);

        long sum(List<Long> values);

        double divide(double dividend, double divisor);
    }

    public interface Orders {
        Receipt place(Order order);

        CompletionStage<Receipt> placeLater(Order order);

        void refuse(String why);
    }

    public static final class CalculatorImpl implements Calculator {
        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public long sum(List<Long> values) {
            return values.stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public double divide(double dividend, double divisor) {
            if (divisor == 0) {
                throw new IllegalArgumentException("division by zero");
            }
            return dividend / divisor;
        }
    }

    public static final class OrdersImpl implements Orders {
        @Override
        public Receipt place(Order order) {
            return new Receipt(order.customer(), order.items().stream().mapToInt(Item::quantity).sum(),
                    order.priority() == null ? Priority.NORMAL : order.priority(),
                    order.items().stream().map(Item::sku).toList(), order.shipTo() == null ? null : order.shipTo().city());
        }

        @Override
        public CompletionStage<Receipt> placeLater(Order order) {
            return CompletableFuture.supplyAsync(() -> place(order));
        }

        @Override
        public void refuse(String why) {
            throw new RpcException(ErrorCode.FORBIDDEN.code(), "refused: " + why, "{\"why\":\"" + why + "\"}");
        }
    }
}
