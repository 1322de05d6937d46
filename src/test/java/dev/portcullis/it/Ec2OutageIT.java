package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.RequestLimits;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.operator.PortcullisOperator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EC2 out of reach, and EC2 having a bad minute, under the operator on its AWS path (the AWS SDK,
 * as {@code --cloud aws --aws-endpoint} runs it) against the simulator's EC2 endpoint on 127.0.0.1.
 * The operator keeps its production settings (resync five minutes, drift scan 30 s), except that
 * creates are paced at two a second so that the fault meets a convergence under way. In the end
 * every SecurityGroup is Ready, and EC2 itself holds one group per resource with the rules its spec
 * asks for.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class Ec2OutageIT {
  static final int GROUPS = 40;

  /** Production settings, but two creates a second, so that 40 groups take some 20 s. */
  static final UnaryOperator<PortcullisOperator.Settings> PACED =
      s ->
          s.withResync(Duration.ofMinutes(5))
              .withDeleteRetry(Duration.ofSeconds(5))
              .withRequestLimits(
                  RequestLimits.defaults()
                      .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(2, 1)));

  static Ec2Endpoint serve(Ec2Simulator sim, int port) throws IOException {
    return Ec2Endpoint.start(
        sim,
        new InetSocketAddress("127.0.0.1", port),
        Ec2QueryService.Settings.open().withRegions(sim.world().regions().keySet()),
        false);
  }

  static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return !s.isConnected();
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The endpoint stops (its port refuses connections) for 30 s while groups are being created, and
   * comes back on the same port with the same EC2 state; meanwhile specs change and new groups are
   * applied. The operator rides it out through its retries.
   */
  @Test
  void ec2RefusingConnectionsForThirtySecondsThenBack() throws Exception {
    Ec2Simulator sim = OperatorRun.demoSimulator();
    Ec2Endpoint endpoint = serve(sim, 0);
    int port = endpoint.port();
    try (OperatorRun run =
        new OperatorRun("ec2-down", sim).tuned(PACED).startOnAws(endpoint.uri())) {
      GroupEstate estate = new GroupEstate(run);
      estate.applyAll(GROUPS);
      estate.awaitReady(5);

      endpoint.close();
      long down = System.nanoTime();
      long createdBefore = sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS);
      assertThat(createdBefore).as("mid-convergence").isLessThan(GROUPS);
      estate.change(GROUPS);
      // For 30 s EC2 refuses every connection, and nothing reaches it.
      long callsWhenDown = sim.calls().total();
      await("EC2 down for 30 s")
          .during(Duration.ofSeconds(30).minusNanos(System.nanoTime() - down))
          .atMost(35, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .until(() -> refused(port) && sim.calls().total() == callsWhenDown);
      assertThat(run.aws().calls().count("CreateSecurityGroup", "ClientError"))
          .as("the operator kept trying")
          .isPositive();

      endpoint = serve(sim, port);
      long back = System.nanoTime();
      estate.assertConverged(Duration.ofMinutes(3));
      System.out.printf(
          "ec2-down: %d groups converged %.1f s after EC2 came back; %d EC2 requests found it"
              + " down%n",
          estate.size(), (System.nanoTime() - back) / 1e9, unanswered(run));
      assertThat(run.operator().ready()).as("the operator's informers are healthy").isTrue();
    } finally {
      endpoint.close();
    }
  }

  /** The requests of the AWS path that got no answer. */
  private static long unanswered(OperatorRun run) {
    long n = 0;
    for (Ec2Action a : Ec2Action.values()) {
      n += run.aws().calls().count(a.apiName(), "ClientError");
    }
    return n;
  }

  /**
   * For a minute one EC2 request in five fails: an HTTP 500, or a connection reset before or after
   * EC2 carried the request out (its answer lost, so that the SDK's retry meets the effect of the
   * first attempt). Groups are created, changed and deleted during the minute.
   */
  @Test
  void aMinuteOfTwentyPercentServerErrorsAndResets() throws Exception {
    Ec2Simulator sim = OperatorRun.demoSimulator();
    try (Ec2Endpoint endpoint = serve(sim, 0);
        FlakyProxy proxy = FlakyProxy.start(endpoint.uri(), 19);
        OperatorRun run = new OperatorRun("ec2-flaky", sim).tuned(PACED).startOnAws(proxy.uri())) {
      GroupEstate estate = new GroupEstate(run);
      proxy.failing(0.2);
      long start = System.nanoTime();
      estate.applyAll(GROUPS);
      estate.awaitReady(GROUPS / 2);
      for (int i = 0; i < GROUPS; i += 4) {
        estate.apply(i, 2);
      }
      for (int i = 2; i < GROUPS; i += 9) {
        estate.delete(i); // i % 3 == 2: no other group references it
      }
      await("the minute of faults")
          .atMost(90, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .until(() -> System.nanoTime() - start >= Duration.ofMinutes(1).toNanos());
      proxy.failing(0);
      long failed = 0;
      for (FlakyProxy.Fault f : FlakyProxy.Fault.values()) {
        assertThat(proxy.count(f)).as("%s injected", f).isPositive();
        failed += proxy.count(f);
      }
      long requests = failed + proxy.forwarded() - proxy.count(FlakyProxy.Fault.RESET_AFTER);
      assertThat((double) failed / requests).as("the share of requests failed").isBetween(0.1, 0.3);
      long calm = System.nanoTime();
      estate.assertConverged(Duration.ofMinutes(3));
      System.out.printf(
          "ec2-flaky: %d of %d requests failed in the minute (%d HTTP 500, %d reset before, %d"
              + " reset after EC2 acted); %d groups converged %.1f s after it%n",
          failed,
          requests,
          proxy.count(FlakyProxy.Fault.SERVER_ERROR),
          proxy.count(FlakyProxy.Fault.RESET_BEFORE),
          proxy.count(FlakyProxy.Fault.RESET_AFTER),
          estate.size(),
          (System.nanoTime() - calm) / 1e9);
    }
  }
}
