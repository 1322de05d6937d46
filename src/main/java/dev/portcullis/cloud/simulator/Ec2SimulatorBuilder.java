package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.FlowEvaluator;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Configures an {@link Ec2Simulator} ({@link Ec2Simulator#builder()}); every setting has a default,
 * so {@code build()} alone works: an empty EC2 with EC2's throttling. The simulator's constructor
 * reads the settings.
 */
public final class Ec2SimulatorBuilder {
  private static final Ec2Simulator.Sleeper THREAD_SLEEP =
      d -> {
        try {
          Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };

  // The settings, read by the simulator's constructor.
  World world = World.empty();
  long seed;
  Throttling throttling = Throttling.ec2();
  Faults faults = Faults.none();
  Quotas quotas = Quotas.DEFAULT;
  LongSupplier nanoTime = System::nanoTime;
  Ec2Simulator.Sleeper sleeper = THREAD_SLEEP;
  Function<Estate, FlowEvaluator> evaluatorFactory = Evaluators::forDecisions;

  Ec2SimulatorBuilder() {}

  /**
   * What exists from the start (default: nothing), as {@link WorldLoader} reads and checks it
   * against the same {@link #quotas(Quotas)}.
   */
  public Ec2SimulatorBuilder world(World world) {
    this.world = Objects.requireNonNull(world, "world");
    return this;
  }

  /** Seeds ids and random faults (default 0). */
  public Ec2SimulatorBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Request throttling (default: EC2's buckets). */
  public Ec2SimulatorBuilder throttling(Throttling throttling) {
    this.throttling = Objects.requireNonNull(throttling, "throttling");
    return this;
  }

  /** {@link ThrottlingMode#EC2} or {@link ThrottlingMode#OFF}; scaling needs a factor. */
  public Ec2SimulatorBuilder throttling(ThrottlingMode mode) {
    switch (Objects.requireNonNull(mode, "mode")) {
      case EC2:
        return throttling(Throttling.ec2());
      case OFF:
        return throttling(Throttling.off());
      default:
        throw new IllegalArgumentException("scaled throttling needs a factor: Throttling.scaled");
    }
  }

  /** Injected faults (default: none). */
  public Ec2SimulatorBuilder faults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
    return this;
  }

  /** The account's quotas (default: EC2's defaults). */
  public Ec2SimulatorBuilder quotas(Quotas quotas) {
    this.quotas = Objects.requireNonNull(quotas, "quotas");
    return this;
  }

  /**
   * The clock that refills token buckets, ends consistency windows and drives {@link
   * Ec2Simulator#tick}.
   */
  public Ec2SimulatorBuilder clock(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    this.nanoTime =
        () -> {
          Instant i = clock.instant();
          return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
    return this;
  }

  /** A monotonic time source in nanoseconds, instead of a {@link Clock}. */
  public Ec2SimulatorBuilder nanoTime(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    return this;
  }

  /** How injected latency pauses a caller (default: {@link Thread#sleep}). */
  public Ec2SimulatorBuilder sleeper(Ec2Simulator.Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * Makes the evaluator behind {@link Ec2Simulator#evaluator()} and the synthetic traffic, built
   * again when one is needed after a change (default: {@link Evaluators#forDecisions}, the one for
   * a few decisions per state; {@link Evaluators#indexed} for many flows over a state that stays).
   */
  public Ec2SimulatorBuilder evaluatorFactory(Function<Estate, FlowEvaluator> factory) {
    this.evaluatorFactory = Objects.requireNonNull(factory, "evaluatorFactory");
    return this;
  }

  public Ec2Simulator build() {
    return new Ec2Simulator(this);
  }
}
