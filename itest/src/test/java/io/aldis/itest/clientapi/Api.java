package io.aldis.itest.clientapi;

import io.aldis.client.CallContext;
import io.aldis.client.CallOptions;
import io.aldis.client.ServiceName;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.protocol.api.ErrorCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The interfaces and records the client API tests call and provide. */
public final class Api {
    private Api() {
    }

    public enum Unit { PIECE, BOX }

    public record Line(@Required String sku, @Min(1) int count, Unit unit) {
    }

    public record Basket(@Required String owner, @Required List<Line> lines) {
    }

    public record Total(String owner, int pieces, List<String> skus) {
    }

    /** Exported inside the node. */
    public interface Till {
        int add(int a, int b);

        Total total(Basket basket);

        CompletionStage<Total> totalLater(Basket basket);

        void refuse(String why);

        String hold(String tag) throws InterruptedException;

        default String describe() {
            return "till";
        }
    }

    /** The client-side view of {@link Till}, with a per-call option. */
    @ServiceName("till")
    public interface TillClient {
        int add(int a, int b);

        CompletableFuture<Total> totalLater(Basket basket);

        Total total(Basket basket);

        void refuse(String why);

        String hold(String tag, CallOptions options) throws InterruptedException;
    }

    public static final class TillImpl implements Till {
        final Semaphore entered = new Semaphore(0);
        final Semaphore interrupted = new Semaphore(0);
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public Total total(Basket basket) {
            int pieces = basket.lines().stream().mapToInt(l -> l.unit() == Unit.BOX ? l.count() * 10 : l.count()).sum();
            return new Total(basket.owner(), pieces, basket.lines().stream().map(Line::sku).toList());
        }

        @Override
        public CompletionStage<Total> totalLater(Basket basket) {
            return CompletableFuture.supplyAsync(() -> total(basket));
        }

        @Override
        public void refuse(String why) {
            throw new RpcException(ErrorCode.FORBIDDEN.code(), "refused: " + why, "{\"why\":\"" + why + "\"}");
        }

        @Override
        public String hold(String tag) throws InterruptedException {
            entered.release();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never opened");
                }
                return tag;
            } catch (InterruptedException e) {
                interrupted.release();
                throw e;
            }
        }
    }

    /** Provided by a client. */
    public interface Greeter {
        String greet(String name, int times);

        Total count(Basket basket);

        CompletionStage<String> later(String name);

        String wait(String tag, CallContext context) throws InterruptedException;
    }

    public static final class GreeterImpl implements Greeter {
        final AtomicInteger calls = new AtomicInteger();
        final Semaphore entered = new Semaphore(0);
        final Semaphore cancelled = new Semaphore(0);
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public String greet(String name, int times) {
            calls.incrementAndGet();
            return ("hello " + name + " ").repeat(times).trim();
        }

        @Override
        public Total count(Basket basket) {
            calls.incrementAndGet();
            return new Total(basket.owner(), basket.lines().stream().mapToInt(Line::count).sum(), List.of());
        }

        @Override
        public CompletionStage<String> later(String name) {
            calls.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> "later " + name);
        }

        @Override
        public String wait(String tag, CallContext context) throws InterruptedException {
            calls.incrementAndGet();
            context.onCancel(cancelled::release);
            entered.release();
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never opened");
            }
            return tag + (context.deadline().isPresent() ? " with deadline" : "");
        }
    }
}
