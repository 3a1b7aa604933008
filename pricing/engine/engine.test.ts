import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./breaker.ts";
import { isRetryable, PricingResponseError } from "./call.ts";
import { TokenBucket } from "./limiter.ts";
import { onDemandOffer, parseOffer, storageOffer } from "../aws/offers.ts";

describe("pricing engine parts", () => {
  it("token bucket: a minute's budget at once, then one token per 60/N seconds", () => {
    let t = 0;
    const bucket = new TokenBucket(100, () => t);
    let taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(100);
    expect(bucket.waitMs()).toBe(600);
    t += 600;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it("circuit breaker: opens after N failures, lets one trial through after the pause, closes on success", () => {
    let t = 0;
    const b = new CircuitBreaker(2, 1000, () => t);
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.allow()).toBe(false);
    t += 1000;
    expect(b.allow()).toBe(true);
    expect(b.state).toBe("half-open");
    b.failure();
    expect(b.state).toBe("open");
    t += 1000;
    b.allow();
    b.success();
    expect(b.state).toBe("closed");
  });

  it("retries throttling, 429, 5xx and network errors, not bad requests or unreadable answers", () => {
    expect(isRetryable(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("x"), { name: "RequestLimitExceeded" }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("x"), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("x"), { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isRetryable(new Error("connect ECONNREFUSED 127.0.0.1:1"))).toBe(true);
    expect(isRetryable(new PricingResponseError("bad"))).toBe(false);
  });

  it("reads Price List offers: hourly OnDemand only, shape from attributes, storage per GB-month", () => {
    const item = new String(JSON.stringify({
      product: { productFamily: "Compute Instance", attributes: { instanceType: "m5.xlarge", regionCode: "us-east-1", vcpu: "4", memory: "16 GiB" } },
      terms: { OnDemand: { a: { priceDimensions: { b: { unit: "Hrs", beginRange: "0", pricePerUnit: { USD: "0.1920000000" } } } } } },
    }));
    expect(onDemandOffer(parseOffer(item))).toEqual({ instanceType: "m5.xlarge", regionCode: "us-east-1", vcpu: 4, memoryGiB: 16, gpus: 0, hourly: 0.192 });
    const upfront = { product: { attributes: { instanceType: "m5.large", vcpu: "2", memory: "8 GiB" } }, terms: { OnDemand: { a: { priceDimensions: { b: { unit: "Quantity", pricePerUnit: { USD: "1161" } } } } } } };
    expect(onDemandOffer(upfront)).toBeUndefined();
    const gp3 = { product: { productFamily: "Storage", attributes: { volumeApiName: "gp3", regionCode: "us-east-2" } }, terms: { OnDemand: { a: { priceDimensions: { b: { unit: "GB-Mo", pricePerUnit: { USD: "0.08" } } } } } } };
    expect(storageOffer(gp3)).toEqual({ volumeApiName: "gp3", regionCode: "us-east-2", gbMonth: 0.08 });
    expect(() => parseOffer("{oops")).toThrow(PricingResponseError);
  });
});
