package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.NetworkInterface;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One region of EC2 as the evaluator sees it, read with describes: every security group with its
 * rules, every instance with its interfaces, addresses and groups.
 *
 * <p>EC2 does not report which ports anything listens on. The estate therefore carries no
 * listeners, and {@link #evaluator} answers Reachable for every flow the security groups allow: it
 * can tell Reachable from TimedOut, never ConnectionRefused.
 */
public final class AwsEstate {
  private AwsEstate() {}

  /** The groups and instances of {@code region}, every page of them. */
  public static Estate read(CloudPort port, String region) {
    List<GroupState> groups = new ArrayList<>();
    String token = null;
    do {
      Page<SecurityGroupInfo> page =
          port.describeSecurityGroups(region, GroupFilter.all(), token, null);
      for (SecurityGroupInfo g : page.items()) {
        List<Rule> rules = new ArrayList<>(g.rules().stream().map(ObservedRule::rule).toList());
        rules.sort(null);
        groups.add(new GroupState(g.groupId(), g.groupName(), region, g.vpcId(), rules));
      }
      token = page.nextToken();
    } while (token != null);
    List<InstanceState> instances = new ArrayList<>();
    token = null;
    do {
      Page<InstanceInfo> page =
          port.describeInstances(region, new InstanceFilter(List.of(), Map.of()), token, null);
      for (InstanceInfo i : page.items()) {
        InstanceState s = instance(region, i);
        if (s != null) {
          instances.add(s);
        }
      }
      token = page.nextToken();
    } while (token != null);
    return new Estate(groups, instances);
  }

  /** An instance as the evaluator sees it; null for one with no interface (terminated). */
  static InstanceState instance(String region, InstanceInfo i) {
    List<NetworkInterface> nics = new ArrayList<>();
    List<InstanceInfo.InterfaceInfo> sorted = new ArrayList<>(i.interfaces());
    sorted.sort(Comparator.comparingInt(InstanceInfo.InterfaceInfo::deviceIndex));
    for (InstanceInfo.InterfaceInfo n : sorted) {
      if (n.privateIp() == null) {
        continue;
      }
      Integer priv = Ip.parse4(n.privateIp()).orElse(null);
      if (priv == null) {
        continue;
      }
      Integer pub = n.publicIp() == null ? null : Ip.parse4(n.publicIp()).orElse(null);
      long[] v6 = n.ipv6() == null ? null : Ip.parse6(n.ipv6()).orElse(null);
      nics.add(new NetworkInterface(n.interfaceId(), priv, pub, v6, n.groupIds()));
    }
    if (nics.isEmpty()) {
      return null;
    }
    return new InstanceState(i.instanceId(), region, i.vpcId(), nics, Set.of(), i.tags());
  }

  /**
   * An evaluator of {@code estate} for a cloud that does not report listening ports: a flow the
   * groups allow is Reachable, and its explanation says that whether something answers is not
   * known. It is built for the few checks that read one region before it is read again ({@link
   * Evaluators#forDecisions}).
   */
  public static FlowEvaluator evaluator(Estate estate) {
    return new ListenersUnknown(Evaluators.forDecisions(estate));
  }

  /** Turns the engine's ConnectionRefused (no listeners are known) into Reachable. */
  static final class ListenersUnknown implements FlowEvaluator {
    private static final String NOT_LISTENING = ", but nothing listens on ";

    private final FlowEvaluator inner;

    ListenersUnknown(FlowEvaluator inner) {
      this.inner = inner;
    }

    @Override
    public Verdict verdict(Flow flow) {
      Verdict v = inner.verdict(flow);
      return v == Verdict.CONNECTION_REFUSED ? Verdict.REACHABLE : v;
    }

    @Override
    public Decision decide(Flow flow) {
      Decision d = inner.decide(flow);
      if (d.verdict() != Verdict.CONNECTION_REFUSED) {
        return d;
      }
      return new Decision(
          Verdict.REACHABLE,
          Reason.ALLOWED_LISTENING,
          explain(d.explanation()),
          d.egress(),
          d.ingress());
    }

    static String explain(String refused) {
      int cut = refused == null ? -1 : refused.indexOf(NOT_LISTENING);
      String allowed = cut < 0 ? "the security groups allow the flow" : refused.substring(0, cut);
      return allowed
          + "; EC2 does not report which ports listen, so whether something answers is not known";
    }
  }
}
