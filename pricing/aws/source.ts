import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Filter, PricingClient } from "@aws-sdk/client-pricing";
import type { CloudPriceSource, OnDemandPrice, SpotPrice, StorageRates } from "../engine/source.ts";
import type { PricingCaller } from "../engine/call.ts";
import { awsCurrency, isAwsChinaRegion, onDemandOffer, parseOffer, storageOffer } from "./offers.ts";

export interface AwsSourceOptions {
  /** Region of the Price List API endpoint (us-east-1, eu-central-1 or ap-south-1); China regions always use cn-northwest-1's. */
  pricingRegion: string;
  /** Endpoint overrides (stand-ins in tests, VPC endpoints in production). */
  pricingEndpoint?: string | undefined;
  ec2Endpoint?: string | undefined;
}

const term = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });

/**
 * AWS prices through the real SDKs with the default credential chain (IRSA, env, files, IMDS):
 * on-demand Linux prices and shapes from the Price List API, EBS prices per GB-month, and the
 * latest spot price per instance type and zone from EC2 DescribeSpotPriceHistory.
 * IAM: pricing:GetProducts and ec2:DescribeSpotPriceHistory.
 *
 * The China regions are their own partition: their Price List is served from cn-northwest-1 and
 * priced in CNY (as karpenter-provider-aws `pkg/providers/pricing/pricing.go` reads it), and so are
 * their spot prices; every price carries its currency and the pricer converts it.
 */
export class AwsPriceSource implements CloudPriceSource {
  readonly provider = "aws";
  /** Price List clients by endpoint region. */
  private readonly pricing = new Map<string, PricingClient>();
  private readonly ec2 = new Map<string, EC2Client>();
  private readonly options: AwsSourceOptions;
  private readonly caller: PricingCaller;

  constructor(options: AwsSourceOptions, caller: PricingCaller) {
    this.options = options;
    this.caller = caller;
  }

  // The SDKs are loaded on first use: every kce process imports the pricing module (agents too),
  // and only a pricer configured for AWS needs them (≈ 0.16 s and 80 MB of heap to load).
  // Retries are ours (PricingCaller): one attempt per SDK call so the call budget counts every request.
  private async pricingClient(forRegion: string): Promise<{ client: PricingClient; sdk: typeof import("@aws-sdk/client-pricing") }> {
    const sdk = await import("@aws-sdk/client-pricing");
    const o = this.options;
    const endpointRegion = isAwsChinaRegion(forRegion) ? "cn-northwest-1" : o.pricingRegion;
    let client = this.pricing.get(endpointRegion);
    if (client === undefined) {
      client = new sdk.PricingClient({ region: endpointRegion, maxAttempts: 1, ...(o.pricingEndpoint === undefined ? {} : { endpoint: o.pricingEndpoint }) });
      this.pricing.set(endpointRegion, client);
    }
    return { client, sdk };
  }

  currency(region: string): string {
    return awsCurrency(region);
  }

  private async ec2For(region: string): Promise<{ client: EC2Client; sdk: typeof import("@aws-sdk/client-ec2") }> {
    const sdk = await import("@aws-sdk/client-ec2");
    let client = this.ec2.get(region);
    if (client === undefined) {
      client = new sdk.EC2Client({ region, maxAttempts: 1, ...(this.options.ec2Endpoint === undefined ? {} : { endpoint: this.options.ec2Endpoint }) });
      this.ec2.set(region, client);
    }
    return { client, sdk };
  }

  private async products(region: string, filters: Filter[]): Promise<unknown[]> {
    const { client, sdk } = await this.pricingClient(region);
    const items: unknown[] = [];
    let token: string | undefined;
    do {
      const page = await this.caller.call("GetProducts", () =>
        client.send(new sdk.GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: filters, FormatVersion: "aws_v1", MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) })),
      );
      items.push(...(page.PriceList ?? []));
      token = page.NextToken === "" ? undefined : page.NextToken;
    } while (token !== undefined);
    return items;
  }

  async onDemand(region: string, instanceType: string): Promise<OnDemandPrice | undefined> {
    const items = await this.products(region, [
      term("instanceType", instanceType),
      term("regionCode", region),
      term("operatingSystem", "Linux"),
      term("tenancy", "Shared"),
      term("preInstalledSw", "NA"),
      term("capacitystatus", "Used"),
      term("licenseModel", "No License required"),
    ]);
    for (const item of items) {
      const offer = onDemandOffer(parseOffer(item), this.currency(region));
      if (offer !== undefined && offer.instanceType === instanceType) return { hourly: offer.hourly, vcpu: offer.vcpu, memoryGiB: offer.memoryGiB, gpus: offer.gpus };
    }
    return undefined;
  }

  async storage(region: string): Promise<StorageRates> {
    const out = new Map<string, number>();
    for (const item of await this.products(region, [term("productFamily", "Storage"), term("regionCode", region)])) {
      const offer = storageOffer(parseOffer(item), this.currency(region));
      // EBS "GB-month" counts GB as 2^30 bytes, so it is our GiB-month as it stands.
      if (offer !== undefined) out.set(offer.volumeApiName, offer.gbMonth);
    }
    return { perGiB: out };
  }

  async spot(region: string, instanceTypes: readonly string[]): Promise<SpotPrice[]> {
    const latest = new Map<string, SpotPrice>();
    let token: string | undefined;
    const { client, sdk } = await this.ec2For(region);
    do {
      const page = await this.caller.call("DescribeSpotPriceHistory", () =>
        client.send(
          new sdk.DescribeSpotPriceHistoryCommand({
            InstanceTypes: [...instanceTypes] as never,
            ProductDescriptions: ["Linux/UNIX"],
            StartTime: new Date(),
            MaxResults: 1000,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      for (const h of page.SpotPriceHistory ?? []) {
        const price = Number(h.SpotPrice);
        if (h.InstanceType === undefined || h.AvailabilityZone === undefined || !Number.isFinite(price)) continue;
        const key = `${h.AvailabilityZone}|${h.InstanceType}`;
        const at = h.Timestamp?.getTime() ?? 0;
        const known = latest.get(key);
        if (known === undefined || known.atMs < at) latest.set(key, { zone: h.AvailabilityZone, instanceType: h.InstanceType, hourly: price, atMs: at });
      }
      token = page.NextToken === "" ? undefined : page.NextToken;
    } while (token !== undefined);
    return [...latest.values()];
  }

  close(): void {
    this.caller.abort();
    for (const c of this.pricing.values()) c.destroy();
    for (const c of this.ec2.values()) c.destroy();
  }
}
