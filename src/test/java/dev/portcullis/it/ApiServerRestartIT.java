package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The API server stopped for 30 s while the operator converges 40 groups, then started again on the
 * same port and etcd, as a control plane's restart does. The operator, in this JVM with production
 * settings (resync five minutes), is not restarted: its informers reconnect, it writes the statuses
 * it could not write, and changes made after the restart reach it through its watches, well before
 * any resync would find them.
 *
 * <p>It stops an API server, so it runs on one of its own ({@link
 * ApiServerCluster#startRestartable}), never on the cluster the other tests share.
 */
class ApiServerRestartIT {
  @Test
  void theOperatorReconnectsAfterTheApiServerIsDownForThirtySeconds() {
    ApiServerCluster cluster = ApiServerCluster.startRestartable();
    Ec2Simulator sim = OperatorRun.demoSimulator();
    try (OperatorRun run =
        new OperatorRun("apiserver-down", sim, cluster).tuned(Ec2OutageIT.PACED).start()) {
      GroupEstate estate = new GroupEstate(run);
      estate.applyAll(Ec2OutageIT.GROUPS);
      estate.awaitReady(5);

      cluster.stopApiServer();
      long down = System.nanoTime();
      long createdBefore = sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS);
      assertThat(createdBefore).as("mid-convergence").isLessThan(Ec2OutageIT.GROUPS);
      int port = cluster.client().getMasterUrl().getPort();
      await("the API server down for 30 s")
          .during(Duration.ofSeconds(30).minusNanos(System.nanoTime() - down))
          .atMost(35, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .until(() -> Ec2OutageIT.refused(port));
      System.out.printf(
          "apiserver-down: EC2 groups created while the API server was down: %d%n",
          sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS) - createdBefore);

      cluster.restartApiServer();
      long back = System.nanoTime();
      // Changes after the restart: only a watch that reconnected brings them before the resync.
      estate.change(Ec2OutageIT.GROUPS);
      estate.assertConverged(Duration.ofMinutes(2));
      System.out.printf(
          "apiserver-down: %d groups converged %.1f s after the API server came back%n",
          estate.size(), (System.nanoTime() - back) / 1e9);
      assertThat(run.operator().ready()).as("the operator's informers are healthy").isTrue();
    } catch (AssertionError | RuntimeException e) {
      // DiagnosticsOnFailure reads the shared cluster; this test's resources are in its own
      DiagnosticsOnFailure.print(
          cluster.client(), "ApiServerRestartIT", cluster.namespaces(), System.out);
      throw e;
    } finally {
      cluster.close();
    }
  }
}
