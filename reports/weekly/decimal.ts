// The report's exact arithmetic lives in the store layer, shared with remediation's realised savings.
export * from "../../store/decimal.js";
