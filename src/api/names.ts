// Which name rule each type uses, as kube-apiserver's validation does.
export { nameIsDNSSubdomain as subdomainName, nameIsDNSLabel as labelName, nameIsDNS1035Label as dns1035Name, validatePathSegmentName as pathSegmentName } from "../apimachinery/validation.js";
