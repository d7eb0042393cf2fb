package main

// Dumps the message and enum descriptors of Envoy's v3 API (go-control-plane, pinned in go.mod) as JSON:
// what cdk8s-istio's analyzer needs to read EnvoyFilter patch values as istiod decodes them.

import (
	"encoding/json"
	"os"
	"sort"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

type field struct {
	Name     string `json:"n"`
	JSON     string `json:"j,omitempty"`
	Kind     string `json:"k"`
	Type     string `json:"t,omitempty"`
	Repeated bool   `json:"r,omitempty"`
	Map      bool   `json:"m,omitempty"`
	MapValue string `json:"mk,omitempty"`
	MapType  string `json:"mt,omitempty"`
	Oneof    string `json:"o,omitempty"`
}

func kindOf(f protoreflect.FieldDescriptor) (string, string) {
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return "message", string(f.Message().FullName())
	case protoreflect.EnumKind:
		return "enum", string(f.Enum().FullName())
	default:
		return f.Kind().String(), ""
	}
}

func main() {
	messages := map[string][]field{}
	enums := map[string][]string{}
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		d := mt.Descriptor()
		fs := []field{}
		for i := 0; i < d.Fields().Len(); i++ {
			f := d.Fields().Get(i)
			out := field{Name: string(f.Name())}
			if f.JSONName() != string(f.Name()) {
				out.JSON = f.JSONName()
			}
			if f.IsMap() {
				out.Map = true
				out.Kind = "map"
				out.MapValue, out.MapType = kindOf(f.MapValue())
			} else {
				out.Kind, out.Type = kindOf(f)
				out.Repeated = f.IsList()
			}
			if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
				out.Oneof = string(o.Name())
			}
			fs = append(fs, out)
		}
		messages[string(d.FullName())] = fs
		return true
	})
	protoregistry.GlobalTypes.RangeEnums(func(et protoreflect.EnumType) bool {
		d := et.Descriptor()
		vs := []string{}
		for i := 0; i < d.Values().Len(); i++ {
			vs = append(vs, string(d.Values().Get(i).Name()))
		}
		sort.Strings(vs)
		enums[string(d.FullName())] = vs
		return true
	})
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(map[string]any{"messages": messages, "enums": enums}); err != nil {
		panic(err)
	}
}
