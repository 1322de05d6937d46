package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.simulator.Ec2Api;
import dev.portcullis.engine.RuleCounts;
import java.util.Set;

/** VPCs and managed prefix lists: DescribeVpcs, DescribeManagedPrefixLists. */
final class NetworkActions {
  private NetworkActions() {}

  static void register(Actions actions, Ec2Api api) {
    actions
        .add(
            "DescribeVpcs",
            Set.of("VpcId", "Filter", "MaxResults", "NextToken"),
            (region, req, out) -> {
              Page<Ec2Api.VpcEntry> page = api.describeVpcs(region, req.describeQuery("VpcId"));
              out.start("vpcSet");
              for (Ec2Api.VpcEntry v : page.items()) {
                out.start("item")
                    .leaf("vpcId", v.vpcId())
                    .leaf("ownerId", Ec2Api.ACCOUNT_ID)
                    .leaf("state", "available")
                    .leaf("cidrBlock", v.cidrBlock())
                    .start("cidrBlockAssociationSet")
                    .start("item")
                    .leaf("associationId", "vpc-cidr-assoc-" + v.vpcId().substring(4))
                    .leaf("cidrBlock", v.cidrBlock())
                    .start("cidrBlockState")
                    .leaf("state", "associated")
                    .end()
                    .end()
                    .end()
                    .start("ipv6CidrBlockAssociationSet");
                if (v.ipv6CidrBlock() != null) {
                  out.start("item")
                      .leaf("associationId", "vpc-cidr-assoc-6" + v.vpcId().substring(5))
                      .leaf("ipv6CidrBlock", v.ipv6CidrBlock())
                      .start("ipv6CidrBlockState")
                      .leaf("state", "associated")
                      .end()
                      .end();
                }
                out.end()
                    .leaf("instanceTenancy", "default")
                    .leaf("isDefault", false)
                    .start("tagSet")
                    .end()
                    .end();
              }
              out.end().leaf("nextToken", page.nextToken());
            })
        .add(
            "DescribeManagedPrefixLists",
            Set.of("PrefixListId", "Filter", "MaxResults", "NextToken"),
            (region, req, out) -> {
              Page<Ec2Api.PrefixListEntry> page =
                  api.describeManagedPrefixLists(region, req.describeQuery("PrefixListId"));
              out.start("prefixListSet");
              for (Ec2Api.PrefixListEntry p : page.items()) {
                out.start("item")
                    .leaf("prefixListId", p.prefixListId())
                    .leaf(
                        "addressFamily",
                        p.size().family() == RuleCounts.PrefixListSize.Family.IPV6
                            ? "IPv6"
                            : "IPv4")
                    .leaf("state", "create-complete")
                    .leaf(
                        "prefixListArn",
                        "arn:aws:ec2:"
                            + region
                            + ":"
                            + Ec2Api.ACCOUNT_ID
                            + ":prefix-list/"
                            + p.prefixListId())
                    .leaf("prefixListName", p.prefixListId())
                    .leaf("maxEntries", p.size().maxEntries())
                    .leaf("version", 1)
                    .start("tagSet")
                    .end()
                    .leaf("ownerId", Ec2Api.ACCOUNT_ID)
                    .end();
              }
              out.end().leaf("nextToken", page.nextToken());
            });
  }
}
