package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.ForwardingCloud;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupKeeperTest {
  static final String EU = "eu-west-1";
  static final String VPC = "vpc-0a000001";

  final Ec2Simulator sim = DemoWorld.unthrottled();
  final Retry retry = new Retry(3, 1, 1, ms -> {}, 1);
  final GroupKeeper keeper =
      new GroupKeeper(sim, retry, new GroupInventory(sim, retry, Duration.ofMinutes(5)));
  final OwnerTags web = new OwnerTags("shop", "web", "uid-web");
  final GroupKeeper.Wanted wanted = new GroupKeeper.Wanted(VPC, "shop/web", "d", Map.of("a", "b"));

  @Test
  void createsOnceThenFindsByTagsEvenWithoutTheIdInStatus() {
    var first = (GroupKeeper.Kept) keeper.ensure(EU, web, null, wanted, true);
    assertThat(first.how()).isEqualTo(GroupKeeper.How.CREATED);
    assertThat(first.group().tags())
        .containsEntry("a", "b")
        .containsEntry(OwnerTags.UID, "uid-web");
    // a fresh keeper, as after a restart that lost the id
    GroupKeeper restarted =
        new GroupKeeper(sim, retry, new GroupInventory(sim, retry, Duration.ofMinutes(5)));
    var again = (GroupKeeper.Kept) restarted.ensure(EU, web, null, wanted, true);
    assertThat(again.how()).isEqualTo(GroupKeeper.How.FOUND);
    assertThat(again.group().groupId()).isEqualTo(first.group().groupId());
  }

  @Test
  void aCreateWhoseAnswerWasLostIsFoundRatherThanReportedAsADuplicate() {
    // the first create is made, but its answer never comes back; the retry finds the name taken
    CloudPort losesFirstAnswer =
        new ForwardingCloud(sim) {
          boolean lost;

          @Override
          public SecurityGroupInfo createSecurityGroup(
              String region, String vpc, String name, String description, Map<String, String> t) {
            SecurityGroupInfo made = super.createSecurityGroup(region, vpc, name, description, t);
            if (!lost) {
              lost = true;
              throw new CloudException("ClientError", CloudException.Kind.TRANSIENT, "timeout");
            }
            return made;
          }
        };
    GroupKeeper k =
        new GroupKeeper(
            losesFirstAnswer,
            retry,
            new GroupInventory(losesFirstAnswer, retry, Duration.ofMinutes(5)));
    var kept = (GroupKeeper.Kept) k.ensure(EU, web, null, wanted, true);
    assertThat(kept.how()).isEqualTo(GroupKeeper.How.CREATED);
    assertThat(kept.group().tags()).containsEntry(OwnerTags.UID, "uid-web");
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.tags(web.lookupFilter())))
        .extracting(SecurityGroupInfo::groupId)
        .containsExactly(kept.group().groupId());
    assertThat(sim.calls().count("CreateSecurityGroup", "InvalidGroup.Duplicate")).isEqualTo(1);

    // a group of that name that is not ours is still a conflict
    OwnerTags other = new OwnerTags("shop", "web", "uid-other");
    assertThat(keeper.ensure(EU, other, null, wanted, true))
        .isInstanceOfSatisfying(
            GroupKeeper.Refused.class,
            r -> assertThat(r.reason()).isEqualTo(GroupKeeper.NAME_TAKEN));
  }

  @Test
  void aGroupWhoseTurnHasNotComeIsNotCreatedUntilItComes() {
    List<String> woken = new ArrayList<>();
    CreationQueue one = new CreationQueue(1, woken::add, () -> 0L, Long.MAX_VALUE);
    GroupKeeper paced =
        new GroupKeeper(sim, retry, new GroupInventory(sim, retry, Duration.ofMinutes(5)), one);
    OwnerTags db = new OwnerTags("shop", "db", "uid-db");
    assertThat(one.tryStart(GroupKeeper.creationKey("shop", "other"), false)).isTrue();

    assertThat(paced.ensure(EU, web, null, wanted, true, false))
        .isEqualTo(new GroupKeeper.Queued(Duration.ZERO));
    assertThat(paced.ensure(EU, db, null, wanted, true, true))
        .isEqualTo(new GroupKeeper.Queued(Duration.ZERO));
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.tags(web.lookupFilter()))).isEmpty();

    one.finish(GroupKeeper.creationKey("shop", "other"));
    assertThat(woken).containsExactly("shop/db"); // awaited by a created group: first
    var made = (GroupKeeper.Kept) paced.ensure(EU, db, null, wanted, true, true);
    assertThat(made.how()).isEqualTo(GroupKeeper.How.CREATED);
    assertThat(woken).containsExactly("shop/db", "shop/web"); // the create is over: next
  }

  @Test
  void aGroupDeletedInEc2IsRecreatedOrReportedGone() {
    var first = (GroupKeeper.Kept) keeper.ensure(EU, web, null, wanted, true);
    String id = first.group().groupId();
    sim.deleteSecurityGroup(EU, id);
    GroupKeeper fresh =
        new GroupKeeper(sim, retry, new GroupInventory(sim, retry, Duration.ofMinutes(5)));
    assertThat(fresh.ensure(EU, web, id, wanted, false)).isEqualTo(new GroupKeeper.Gone(id));
    var recreated = (GroupKeeper.Kept) fresh.ensure(EU, web, id, wanted, true);
    assertThat(recreated.how()).isEqualTo(GroupKeeper.How.RECREATED);
    assertThat(recreated.group().groupId()).isNotEqualTo(id);
  }

  @Test
  void theIdInStatusOfAGroupThatIsNotOursIsIgnored() {
    SecurityGroupInfo theirs = sim.createSecurityGroup(EU, VPC, "theirs", "d", Map.of());
    var kept = (GroupKeeper.Kept) keeper.ensure(EU, web, theirs.groupId(), wanted, true);
    assertThat(kept.group().groupId()).isNotEqualTo(theirs.groupId());
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.ids(theirs.groupId())).get(0).tags())
        .isEmpty();
  }

  @Test
  void adoptionTagsAFreeGroupAndRefusesOneOwnedByAnotherResource() {
    SecurityGroupInfo legacy = sim.createSecurityGroup(EU, VPC, "legacy", "d", Map.of());
    var adopted = (GroupKeeper.Kept) keeper.adopt(EU, web, legacy.groupId(), VPC);
    assertThat(adopted.how()).isEqualTo(GroupKeeper.How.ADOPTED);
    assertThat(adopted.group().tags()).containsEntry(OwnerTags.UID, "uid-web");

    OwnerTags api = new OwnerTags("shop", "api", "uid-api");
    var refused = (GroupKeeper.Refused) keeper.adopt(EU, api, legacy.groupId(), VPC);
    assertThat(refused.reason()).isEqualTo("AlreadyManaged");
    assertThat(refused.message()).contains("shop/web");

    var elsewhere = (GroupKeeper.Refused) keeper.adopt(EU, web, legacy.groupId(), "vpc-0b000002");
    assertThat(elsewhere.reason()).isEqualTo("VpcMismatch");
    assertThat(((GroupKeeper.Refused) keeper.adopt(EU, web, "sg-0123456789abcdef0", VPC)).reason())
        .isEqualTo("AdoptedGroupNotFound");
  }

  @Test
  void findsByTheIdInStatusOnlyWhenTheGroupIsOursElseByTheUidTag() {
    var made = (GroupKeeper.Kept) keeper.ensure(EU, web, null, wanted, true);
    String id = made.group().groupId();
    assertThat(keeper.find(EU, web, id)).map(SecurityGroupInfo::groupId).contains(id);
    assertThat(keeper.find(EU, web, null)).map(SecurityGroupInfo::groupId).contains(id);
    String theirs = sim.createSecurityGroup(EU, VPC, "theirs", "d", Map.of()).groupId();
    assertThat(keeper.find(EU, web, theirs))
        .as("an id in status that names a group of somebody else")
        .map(SecurityGroupInfo::groupId)
        .contains(id);
    assertThat(keeper.find(EU, new OwnerTags("shop", "db", "uid-db"), theirs)).isEmpty();
  }

  @Test
  void aReleasedGroupStaysInEc2WithoutOurTagsAndIsNotFoundAgain() {
    var made = (GroupKeeper.Kept) keeper.ensure(EU, web, null, wanted, true);
    keeper.release(EU, made.group());
    SecurityGroupInfo left =
        sim.describeAllSecurityGroups(EU, GroupFilter.ids(made.group().groupId())).get(0);
    assertThat(left.tags()).doesNotContainKeys(OwnerTags.keys().toArray(String[]::new));
    assertThat(left.tags()).containsEntry("a", "b");
    assertThat(keeper.find(EU, web, made.group().groupId())).isEmpty();
  }

  @Test
  void referencesResolveToEc2GroupsOrSayWhatTheyWaitFor() {
    List<String> woken = new ArrayList<>();
    CreationQueue one = new CreationQueue(1, woken::add, () -> 0L, Long.MAX_VALUE);
    GroupKeeper paced =
        new GroupKeeper(sim, retry, new GroupInventory(sim, retry, Duration.ofMinutes(5)), one);
    var made = (GroupKeeper.Kept) paced.ensure(EU, web, null, wanted, true, false);
    OwnerTags db = new OwnerTags("shop", "db", "uid-db");
    OwnerTags cache = new OwnerTags("shop", "cache", "uid-cache");
    // another resource holds the one slot: db and cache wait, in that order
    assertThat(one.tryStart(GroupKeeper.creationKey("shop", "other"), false)).isTrue();
    assertThat(paced.ensure(EU, db, null, wanted, true, false))
        .isInstanceOf(GroupKeeper.Queued.class);
    assertThat(paced.ensure(EU, cache, null, wanted, true, false))
        .isInstanceOf(GroupKeeper.Queued.class);

    GroupKeeper.References refs =
        paced.references(
            EU,
            "shop",
            List.of("web", "cache", "gone"),
            Map.of("web", "uid-web", "cache", "uid-cache"));
    assertThat(refs.ids()).containsExactly(Map.entry("web", made.group().groupId()));
    assertThat(refs.waiting())
        .containsExactly(
            "cache (its EC2 group does not exist yet)",
            "gone (no such SecurityGroup in namespace shop)");
    woken.clear();
    one.finish(GroupKeeper.creationKey("shop", "other"));
    assertThat(woken).as("a group awaited by another goes first").containsExactly("shop/cache");
  }

  @Test
  void aNameTakenByAGroupNobodyManagesIsNamedWithTheWaysOut() {
    SecurityGroupInfo theirs = sim.createSecurityGroup(EU, VPC, "shop/web", "by hand", Map.of());
    var refused = (GroupKeeper.Refused) keeper.ensure(EU, web, null, wanted, true);
    assertThat(refused.reason()).isEqualTo(GroupKeeper.NAME_TAKEN);
    assertThat(refused.message())
        .isEqualTo(
            "EC2 already has a group named \"shop/web\" in vpc-0a000001: "
                + theirs.groupId()
                + ", which Portcullis does not manage. Either choose another spec.groupName, or"
                + " manage that group with spec.adoptGroupId: "
                + theirs.groupId()
                + " (without groupName); nothing was created");
  }

  @Test
  void aNameTakenByAnotherResourcesGroupNamesThatResource() {
    keeper.ensure(EU, new OwnerTags("other", "web", "uid-other"), null, wanted, true);
    var refused = (GroupKeeper.Refused) keeper.ensure(EU, web, null, wanted, true);
    assertThat(refused.message())
        .contains("which SecurityGroup other/web manages")
        .contains("leave the name to other/web");
  }
}
