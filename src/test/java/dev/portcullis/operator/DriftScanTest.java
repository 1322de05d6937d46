package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.EU;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The drift scan on the simulator: one read per region, and only the groups that differ woken. */
class DriftScanTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final SecurityGroupReconciler reconciler = new SecurityGroupReconciler(world.op);
  final DriftScan scan = DriftScan.manual(world.op);

  static final Rule RDP = new Rule(Direction.INGRESS, Protocol.TCP, 3389, 3389, Cidr4.ANY, "");

  SecurityGroup group(String name, String extra) {
    SecurityGroup sg = world.httpsGroup(name, extra);
    world.reconcile(reconciler, sg);
    return sg;
  }

  long describes() {
    return world.sim.calls().total(Ec2Action.DESCRIBE_SECURITY_GROUPS);
  }

  void addRdpOutOfBand(SecurityGroup sg) {
    world.sim.authorize(EU, sg.getStatus().getGroupId(), Direction.INGRESS, List.of(RDP));
  }

  @Test
  void oneDescribeFindsTheOneGroupThatDriftedAndItsReconciliationDescribesNothingMore() {
    SecurityGroup web = group("web", "");
    group("db", "");
    group("api", ", ruleOwnership: Additive");
    addRdpOutOfBand(web);
    long before = describes();

    DriftScan.Result r = scan.scan(EU);

    assertThat(r.compared()).isEqualTo(3);
    assertThat(r.woken()).containsExactly("shop/web");
    assertThat(describes() - before).as("one paginated describe for the region").isEqualTo(1);

    world.reconcile(reconciler, web);
    assertThat(world.eventLines()).contains("Warning DriftCorrected");
    assertThat(describes() - before).as("the reconciliation uses the scan's read").isEqualTo(1);
    assertThat(scan.scan(EU).woken()).as("corrected: nothing differs").isEmpty();
  }

  @Test
  void aRuleAddedOutsideAnAdditiveOwnerIsNotDrift() {
    SecurityGroup api = group("api", ", ruleOwnership: Additive");
    addRdpOutOfBand(api);
    assertThat(scan.scan(EU).woken()).isEmpty();
  }

  @Test
  void reportedDriftWakesTheGroupOnlyWhenWhatDiffersChanges() {
    SecurityGroup web = group("web", ", driftPolicy: Report");
    addRdpOutOfBand(web);
    assertThat(scan.scan(EU).woken()).containsExactly("shop/web");
    world.reconcile(reconciler, web);
    assertThat(web.getStatus().getDrift().getUnexpected()).isEqualTo(1);

    assertThat(scan.scan(EU).woken()).as("reported as it is").isEmpty();

    world.sim.revoke(EU, web.getStatus().getGroupId(), Direction.INGRESS, List.of(RDP));
    assertThat(scan.scan(EU).woken()).as("the drift went: the status must say so").hasSize(1);
    world.reconcile(reconciler, web);
    assertThat(web.getStatus().getDrift()).isNull();
    assertThat(scan.scan(EU).woken()).isEmpty();
  }

  /**
   * The informer's cache may hold the status from before the reconciler's last write (JOSDK keeps
   * no copy of a status patch's answer): drift reported by then is not woken again.
   */
  @Test
  void driftJustReportedIsNotWokenAgainWhileTheCacheHoldsTheStatusFromBeforeTheWrite() {
    SecurityGroup web = group("web", ", driftPolicy: Report");
    SecurityGroup stale = SecurityGroupReconcilerTest.copy(web);
    addRdpOutOfBand(web);
    assertThat(scan.scan(EU).woken()).containsExactly("shop/web");
    world.reconcile(reconciler, web);
    world.groups.put(stale);

    assertThat(scan.scan(EU).woken()).isEmpty();
  }

  @Test
  void aGroupDeletedOutsidePortcullisIsWoken() {
    SecurityGroup web = group("web", "");
    world.sim.deleteSecurityGroup(EU, web.getStatus().getGroupId());
    assertThat(scan.scan(EU).woken()).containsExactly("shop/web");
    world.reconcile(reconciler, web);
    assertThat(world.eventLines()).contains("Warning GroupRecreated");
  }

  @Test
  void aGroupWhoseSpecChangedIsLeftToItsReconciliation() {
    SecurityGroup web = group("web", "");
    addRdpOutOfBand(web);
    web.getMetadata().setGeneration(2L);
    DriftScan.Result r = scan.scan(EU);
    assertThat(r.compared()).isZero();
    assertThat(r.woken()).isEmpty();
  }

  @Test
  void eachRegionsScanIsCountedAndTimed() {
    group("web", "");
    scan.scanAll();
    scan.scanAll();
    assertThat(world.meters.scrape())
        .contains("portcullis_drift_scans_total{outcome=\"in_sync\",region=\"eu-west-1\"} 2.0")
        .contains("portcullis_drift_scan_duration_seconds_count{region=\"eu-west-1\"} 2");
  }

  @Test
  void aRegionThatCannotBeReadIsCountedAsFailedAndTheOthersAreStillScanned() {
    SecurityGroup web = group("web", "");
    addRdpOutOfBand(web);
    // a region the cloud refuses to be asked about (the schema would refuse it too)
    world.groups.put(
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: odd}\n"
                + "spec: {region: nowhere, vpcId: vpc-0a000001}\n"));
    scan.scanAll();
    assertThat(world.meters.scrape())
        .contains("portcullis_drift_scans_total{outcome=\"failed\",region=\"nowhere\"} 1.0");
    assertThat(world.op.inventory().ownedBy(EU, web.getMetadata().getUid()).orElseThrow().rules())
        .as("eu-west-1 was read all the same")
        .anyMatch(o -> o.rule().equals(RDP));
  }

  @Test
  void aScheduledScanReadsNothingWhileThisReplicaDoesNotLead() {
    group("web", "");
    AtomicBoolean leading = new AtomicBoolean();
    long before = describes();
    DriftScan every = DriftScan.every(world.op, Duration.ofMillis(20), leading::get);
    try {
      await()
          .during(300, MILLISECONDS)
          .atMost(2, SECONDS)
          .pollInterval(20, MILLISECONDS)
          .until(() -> describes() == before);
      leading.set(true);
      await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS).until(() -> describes() > before);
    } finally {
      every.close();
    }
  }
}
