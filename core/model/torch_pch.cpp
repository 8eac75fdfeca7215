// Translation unit that owns the shared torch precompiled header (see torch_pch.h).
