<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>espalier::widgets::AppliedOpsModel</name>
    <message>
        <source>Locked: this op re-applies the draw shown while the others draw anew</source>
        <translation>已锁定：此操作沿用当前的抽样结果，其他操作重新抽样</translation>
    </message>
    <message>
        <source>Lock an op to keep its draw while stepping through the others&apos;</source>
        <translation>锁定一个操作以保留其抽样结果，同时逐次查看其他操作的抽样</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Op</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Drawn this time</source>
        <translation>本次抽样结果</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::AudioPlayer</name>
    <message>
        <source>Cannot play %1: %2</source>
        <translation>无法播放 %1：%2</translation>
    </message>
    <message>
        <source>No audio output device is available.</source>
        <translation>没有可用的音频输出设备。</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::AugmentPage</name>
    <message>
        <source>Augment</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>音频来源</translation>
    </message>
    <message>
        <source>Open audio…</source>
        <translation>打开音频……</translation>
    </message>
    <message>
        <source>Preview an audio file of your own (or drop one on the page)</source>
        <translation>预览您自己的音频文件（或将文件拖放到此页面）</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>The espalier-cli command that writes this preview</source>
        <translation>生成此预览的 espalier-cli 命令</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>种子(&amp;S)：</translation>
    </message>
    <message>
        <source>The same seed always gives the same draw</source>
        <translation>相同的种子总是得到相同的抽样结果</translation>
    </message>
    <message>
        <source>Reseed</source>
        <translation>重新取种</translation>
    </message>
    <message>
        <source>Draw with a new random seed</source>
        <translation>用新的随机种子抽样</translation>
    </message>
    <message>
        <source>◀ Previous draw</source>
        <translation>◀ 上一次抽样</translation>
    </message>
    <message>
        <source>Next draw ▶</source>
        <translation>下一次抽样 ▶</translation>
    </message>
    <message>
        <source>The next seed: every op draws anew, except locked ones</source>
        <translation>下一个种子：除已锁定的操作外，所有操作重新抽样</translation>
    </message>
    <message>
        <source>The previous seed</source>
        <translation>上一个种子</translation>
    </message>
    <message>
        <source>Updating the preview…</source>
        <translation>正在更新预览……</translation>
    </message>
    <message>
        <source>Ops applied in this draw</source>
        <translation>本次抽样应用的操作</translation>
    </message>
    <message>
        <source>Open audio</source>
        <translation>打开音频</translation>
    </message>
    <message>
        <source>Audio files (*.wav *.flac *.ogg *.opus *.mp3);;All files (*)</source>
        <translation>音频文件 (*.wav *.flac *.ogg *.opus *.mp3);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot read audio</source>
        <translation>无法读取音频</translation>
    </message>
    <message>
        <source>No audio: pick an utterance on the left, open an audio file, or drop one here.</source>
        <translation>没有音频：请在左侧选择一条语句、打开一个音频文件，或将文件拖放到此处。</translation>
    </message>
    <message>
        <source>(loading…)</source>
        <translation>（加载中……）</translation>
    </message>
    <message>
        <source>(cannot be read)</source>
        <translation>（无法读取）</translation>
    </message>
    <message>
        <source># The pipeline has unsaved changes: save it first (Save…) as the file named below.</source>
        <translation># 流水线有未保存的修改：请先用“保存……”将其保存为下面命令中的文件。</translation>
    </message>
    <message>
        <source># Locked draws are not part of the command: it draws every op from the seed.</source>
        <translation># 命令不包含已锁定的抽样结果：它会根据种子重新抽取每个操作的参数。</translation>
    </message>
    <message>
        <source>Draw %1</source>
        <translation>第 %1 次抽样</translation>
    </message>
    <message>
        <source>Draw %1 from seed %2 (seed %3)</source>
        <translation>从种子 %2 起的第 %1 次抽样（种子 %3）</translation>
    </message>
    <message>
        <source>The pipeline failed on this audio: %1</source>
        <translation>流水线处理此音频时失败：%1</translation>
    </message>
    <message>
        <source>No corpus in the project: open an audio file or drop one on the page.</source>
        <translation>项目中没有语料库：请打开一个音频文件或将文件拖放到此页面。</translation>
    </message>
    <message>
        <source>Read audio</source>
        <translation>读取音频</translation>
    </message>
    <message>
        <source>Preview the pipeline</source>
        <translation>预览增强流水线</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::AugmentText</name>
    <message>
        <source>Speed</source>
        <translation>变速</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>变速不变调</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>Gain</source>
        <translation>增益</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>加噪</translation>
    </message>
    <message>
        <source>Reverb</source>
        <translation>混响</translation>
    </message>
    <message>
        <source>SpecAugment</source>
        <translation>SpecAugment</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Skipped by its probability on this draw.</source>
        <translation>本次抽样按其概率被跳过。</translation>
    </message>
    <message>
        <source>time mask: frames %1–%2</source>
        <translation>时间掩码：第 %1–%2 帧</translation>
    </message>
    <message>
        <source>frequency mask: bins %1–%2</source>
        <translation>频率掩码：第 %1–%2 个梅尔频带</translation>
    </message>
    <message>
        <source>“%1” is not a number</source>
        <translation>“%1”不是数字</translation>
    </message>
    <message>
        <source>Speed perturbation by resampling: duration and pitch change, as sox speed</source>
        <translation>通过重采样做变速扰动：时长和音高一起改变，与 sox speed 相同</translation>
    </message>
    <message>
        <source>Tempo change keeping the pitch</source>
        <translation>改变语速，保持音高不变</translation>
    </message>
    <message>
        <source>Random crop to a fraction of the length, or silence padding above 1</source>
        <translation>随机裁剪到原长度的一定比例；比例大于 1 时用静音填充</translation>
    </message>
    <message>
        <source>Volume change in dB</source>
        <translation>以分贝为单位调整音量</translation>
    </message>
    <message>
        <source>Additive noise at a target SNR: coloured, from files, or babble</source>
        <translation>按目标信噪比叠加噪声：有色噪声、噪声文件或多人说话声</translation>
    </message>
    <message>
        <source>Reverberation with a room impulse response (a file, or generated from RT60)</source>
        <translation>用房间冲激响应加混响（来自文件，或按 RT60 生成）</translation>
    </message>
    <message>
        <source>Time warp, frequency and time masks on the fbank features</source>
        <translation>对 fbank 特征做时间扭曲、频率掩码和时间掩码</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::BeforeAfterView</name>
    <message>
        <source>Outlined: &lt;span style=&apos;color:#ff9800&apos;&gt;■&lt;/span&gt; time masks &amp;nbsp; &lt;span style=&apos;background:#440154; color:#ffffff&apos;&gt;&amp;nbsp;┅&amp;nbsp;&lt;/span&gt; frequency masks</source>
        <translation>轮廓标记：&lt;span style=&apos;color:#ff9800&apos;&gt;■&lt;/span&gt; 时间掩码 &amp;nbsp; &lt;span style=&apos;background:#440154; color:#ffffff&apos;&gt;&amp;nbsp;┅&amp;nbsp;&lt;/span&gt; 频率掩码</translation>
    </message>
    <message>
        <source>SpecAugment&apos;s masked regions are outlined on the spectrogram after the pipeline</source>
        <translation>增强后的频谱图上以轮廓标出 SpecAugment 掩蔽的区域</translation>
    </message>
    <message>
        <source>Play the original audio</source>
        <translation>播放原始音频</translation>
    </message>
    <message>
        <source>Play the augmented audio</source>
        <translation>播放增强后的音频</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Pick an utterance or drop an audio file</source>
        <translation>请选择一条语句或拖入一个音频文件</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>增强前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>增强后</translation>
    </message>
    <message>
        <source>Before · %1 s</source>
        <translation>增强前 · %1 秒</translation>
    </message>
    <message>
        <source>After · %1 s (×%2)</source>
        <translation>增强后 · %1 秒（×%2）</translation>
    </message>
    <message>
        <source>After · %1 s</source>
        <translation>增强后 · %1 秒</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::BenchSettingsForm</name>
    <message>
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <source>Espalier models (*.espm)</source>
        <translation>Espalier 模型 (*.espm)</translation>
    </message>
    <message>
        <source>Models (the first checked is the baseline):</source>
        <translation>模型（第一个勾选的为基线）：</translation>
    </message>
    <message>
        <source>Add .espm file…</source>
        <translation>添加 .espm 文件…</translation>
    </message>
    <message>
        <source>Random features, frames:</source>
        <translation>随机特征，帧数：</translation>
    </message>
    <message>
        <source>The encoder alone on this many frames of random features (600 = 6 s of audio)</source>
        <translation>仅编码器，输入这么多帧随机特征（600 帧 = 6 秒音频）</translation>
    </message>
    <message>
        <source>Test sets (end to end on their utterances):</source>
        <translation>测试集（在其语音上端到端测试）：</translation>
    </message>
    <message>
        <source>Utterances per test set</source>
        <translation>每个测试集的语音条数</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行次数</translation>
    </message>
    <message>
        <source>Warm-up runs</source>
        <translation>预热次数</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Each round times every model once; the order reverses every other round</source>
        <translation>每轮对每个模型各计时一次；每隔一轮顺序反转</translation>
    </message>
    <message>
        <source>Cool-down (s)</source>
        <translation>冷却时间（秒）</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Pin to CPUs</source>
        <translation>绑定到 CPU</translation>
    </message>
    <message>
        <source>anywhere (no pinning)</source>
        <translation>任意（不绑定）</translation>
    </message>
    <message>
        <source>, %1 % sparse</source>
        <translation>，稀疏度 %1 %</translation>
    </message>
    <message>
        <source>all %1 CPUs</source>
        <translation>全部 %1 个 CPU</translation>
    </message>
    <message>
        <source>big cluster</source>
        <translation>大核簇</translation>
    </message>
    <message>
        <source>little cluster</source>
        <translation>小核簇</translation>
    </message>
    <message>
        <source>middle cluster</source>
        <translation>中核簇</translation>
    </message>
    <message>
        <source>device default: %1</source>
        <translation>设备默认：%1</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::CommandDialog</name>
    <message>
        <source>Equivalent command</source>
        <translation>等效命令</translation>
    </message>
    <message>
        <source>This action can be reproduced from a terminal with:</source>
        <translation>在终端中运行以下命令可重现此操作：</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::DataPage</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Statistics per split</source>
        <translation>各子集统计</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>The espalier-cli command that computes these statistics</source>
        <translation>计算这些统计数据的 espalier-cli 命令</translation>
    </message>
    <message>
        <source>Utterances</source>
        <translation>语句列表</translation>
    </message>
    <message>
        <source>Utterance</source>
        <translation>语句</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>The espalier-cli command that computes these features</source>
        <translation>计算这些特征的 espalier-cli 命令</translation>
    </message>
    <message>
        <source>No utterance selected</source>
        <translation>未选择语句</translation>
    </message>
    <message>
        <source>Pick an utterance in the list to see its waveform and features.</source>
        <translation>在列表中选择一条语句，查看其波形和特征。</translation>
    </message>
    <message>
        <source>Corpus statistics</source>
        <translation>语料库统计</translation>
    </message>
    <message>
        <source>Cannot compute corpus statistics</source>
        <translation>无法计算语料库统计</translation>
    </message>
    <message>
        <source>The audio of this utterance cannot be read.</source>
        <translation>无法读取此语句的音频。</translation>
    </message>
    <message>
        <source>Cannot read audio</source>
        <translation>无法读取音频</translation>
    </message>
    <message>
        <source>%1 · %2 s · %3 kHz</source>
        <translation>%1 · %2 秒 · %3 kHz</translation>
    </message>
    <message>
        <source>Computing statistics…</source>
        <translation>正在计算统计数据……</translation>
    </message>
    <message>
        <source>Statistics unavailable: %1</source>
        <translation>统计数据不可用：%1</translation>
    </message>
    <message>
        <source>Add a corpus to the project to see it here.</source>
        <translation>向项目添加语料库后即可在此查看。</translation>
    </message>
    <message>
        <source>Open a project to see its corpora.</source>
        <translation>打开一个项目以查看其语料库。</translation>
    </message>
    <message numerus="yes">
        <source>%n split(s)</source>
        <translation>
            <numerusform>%n 个子集</numerusform>
        </translation>
    </message>
    <message>
        <source>Decode an utterance</source>
        <translation>解码一条语音</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::DeviceDialog</name>
    <message>
        <source>Add device</source>
        <translation>添加设备</translation>
    </message>
    <message>
        <source>e.g. rk3588 or pixel-7</source>
        <translation>例如 rk3588 或 pixel-7</translation>
    </message>
    <message>
        <source>Board over SSH</source>
        <translation>通过 SSH 连接的开发板</translation>
    </message>
    <message>
        <source>Android phone over ADB</source>
        <translation>通过 ADB 连接的安卓手机</translation>
    </message>
    <message>
        <source>Emulated aarch64 (qemu-user)</source>
        <translation>模拟的 aarch64 设备（qemu-user）</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>host name or address</source>
        <translation>主机名或地址</translation>
    </message>
    <message>
        <source>login (default: yours)</source>
        <translation>登录用户（默认：当前用户）</translation>
    </message>
    <message>
        <source>private key (default: ssh&apos;s own keys)</source>
        <translation>私钥（默认：ssh 自己的密钥）</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Key file</source>
        <translation>密钥文件</translation>
    </message>
    <message>
        <source>OpenSSH in batch mode: a key, never a password prompt. The host key is pinned in the project on first connection and checked after.</source>
        <translation>OpenSSH 批处理模式：只用密钥，从不提示输入密码。首次连接时主机密钥固定在项目中，之后每次都会校验。</translation>
    </message>
    <message>
        <source>adb serial (empty: the only device attached)</source>
        <translation>adb 序列号（留空：唯一连接的设备）</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <source>Runs the aarch64 runner under qemu-user on this machine: every step of the deployment works without a board, but its timings are the emulator&apos;s, not a board&apos;s.</source>
        <translation>在本机上用 qemu-user 运行 aarch64 推理程序：没有开发板也能走通部署的每一步，但计时反映的是模拟器而非开发板。</translation>
    </message>
    <message>
        <source>Benchmarks this machine with its own runner.</source>
        <translation>用本机自己的推理程序对本机做基准测试。</translation>
    </message>
    <message>
        <source>default: /tmp/espalier-USER (SSH), /data/local/tmp/espalier (ADB)</source>
        <translation>默认：/tmp/espalier-用户名（SSH），/data/local/tmp/espalier（ADB）</translation>
    </message>
    <message>
        <source>e.g. 4-7 (empty: let the OS choose)</source>
        <translation>例如 4-7（留空：由系统调度）</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Work folder</source>
        <translation>工作目录</translation>
    </message>
    <message>
        <source>Default CPUs</source>
        <translation>默认 CPU</translation>
    </message>
    <message>
        <source>SSH private key</source>
        <translation>SSH 私钥</translation>
    </message>
    <message>
        <source>Edit device</source>
        <translation>编辑设备</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::DeviceTableModel</name>
    <message>
        <source>this machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>SSH</source>
        <translation>SSH</translation>
    </message>
    <message>
        <source>ADB</source>
        <translation>ADB</translation>
    </message>
    <message>
        <source>emulated %1</source>
        <translation>模拟 %1</translation>
    </message>
    <message>
        <source>Probed %1 with %2</source>
        <translation>%1 用 %2 探测</translation>
    </message>
    <message>
        <source>not probed</source>
        <translation>未探测</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>emulated %1 (qemu-user)</source>
        <translation>模拟 %1（qemu-user）</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::DevicesPage</name>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Devices of this project</source>
        <translation>本项目的设备</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>探测</translation>
    </message>
    <message>
        <source>Connect, push the runner and read the architecture, cores, clusters, memory and OS</source>
        <translation>连接设备、推送推理程序，并读取架构、核心、簇、内存和操作系统</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Benchmark</source>
        <translation>基准测试</translation>
    </message>
    <message>
        <source>Run benchmark</source>
        <translation>运行基准测试</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>Per layer</source>
        <translation>逐层</translation>
    </message>
    <message>
        <source>CER / latency</source>
        <translation>CER / 延迟</translation>
    </message>
    <message>
        <source>The device could not be added</source>
        <translation>无法添加该设备</translation>
    </message>
    <message>
        <source>The device could not be removed</source>
        <translation>无法移除该设备</translation>
    </message>
    <message>
        <source>No device selected. Add this machine, an SSH board, an ADB phone or an emulated aarch64 device.</source>
        <translation>未选择设备。可添加本机、SSH 开发板、ADB 手机或模拟的 aarch64 设备。</translation>
    </message>
    <message>
        <source>Open a project first.</source>
        <translation>请先打开一个项目。</translation>
    </message>
    <message>
        <source>Timings under emulation are the emulator&apos;s, not a board&apos;s.</source>
        <translation>模拟下的计时反映的是模拟器，而不是开发板。</translation>
    </message>
    <message>
        <source>Not probed yet: Probe connects and reads what it is.</source>
        <translation>尚未探测：点击“探测”连接设备并读取其信息。</translation>
    </message>
    <message>
        <source>Architecture: %1, sparse kernel %2</source>
        <translation>架构：%1，稀疏内核 %2</translation>
    </message>
    <message>
        <source>CPU: %1</source>
        <translation>CPU：%1</translation>
    </message>
    <message>
        <source>Cluster: CPUs %1 (taskset mask %2), %3%4</source>
        <translation>簇：CPU %1（taskset 掩码 %2），%3%4</translation>
    </message>
    <message>
        <source>, up to %1 MHz</source>
        <translation>，最高 %1 MHz</translation>
    </message>
    <message>
        <source>Memory: %1 MiB; %2 (kernel %3)</source>
        <translation>内存：%1 MiB；%2（内核 %3）</translation>
    </message>
    <message>
        <source>Probed %1</source>
        <translation>探测于 %1</translation>
    </message>
    <message>
        <source>Add and select a device first.</source>
        <translation>请先添加并选择一个设备。</translation>
    </message>
    <message>
        <source>Check at least one model (a run of the project or an .espm file).</source>
        <translation>请至少勾选一个模型（项目中的一次运行或一个 .espm 文件）。</translation>
    </message>
    <message>
        <source>Running on %1…</source>
        <translation>正在 %1 上运行…</translation>
    </message>
    <message>
        <source>%1 on %2 (%3 models)</source>
        <translation>%1 于 %2（%3 个模型）</translation>
    </message>
    <message>
        <source> — incomplete</source>
        <translation> — 未完成</translation>
    </message>
    <message>
        <source>No benchmark sessions yet</source>
        <translation>还没有基准测试记录</translation>
    </message>
    <message>
        <source>%1 — %2; %3 rounds × %4 runs, %5 thread(s)</source>
        <translation>%1 — %2；%3 轮 × %4 次，%5 个线程</translation>
    </message>
    <message>
        <source>, not pinned</source>
        <translation>，未绑定 CPU</translation>
    </message>
    <message>
        <source>, pinned to CPUs %1</source>
        <translation>，绑定到 CPU %1</translation>
    </message>
    <message>
        <source>(emulated: not a board&apos;s timings)</source>
        <translation>（模拟：并非开发板的计时）</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::HeatmapWidget</name>
    <message>
        <source>Δ loss</source>
        <translation>Δ 损失</translation>
    </message>
    <message>
        <source>KL to the unpruned model</source>
        <translation>与未剪枝模型的 KL 散度</translation>
    </message>
    <message>
        <source>Δ CER (points)</source>
        <translation>Δ 字错误率（百分点）</translation>
    </message>
    <message>
        <source>Latency gain</source>
        <translation>延迟收益</translation>
    </message>
    <message>
        <source>|w| removed (data-free)</source>
        <translation>移除的 |w|（无需数据）</translation>
    </message>
    <message>
        <source>b%1 · %2</source>
        <translation>b%1 · %2</translation>
    </message>
    <message>
        <source>block</source>
        <translation>块</translation>
    </message>
    <message>
        <source>Sparsity %1</source>
        <translation>稀疏度 %1</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>尚未计算</translation>
    </message>
    <message>
        <source>Skipped: the row&apos;s Δ loss passed the ceiling (%1)</source>
        <translation>已跳过：该行的 Δ 损失超过上限（%1）</translation>
    </message>
    <message>
        <source>Loss %1 (Δ %2)</source>
        <translation>损失 %1（Δ %2）</translation>
    </message>
    <message>
        <source>KL %1</source>
        <translation>KL %1</translation>
    </message>
    <message>
        <source>CER %1 (Δ %2 points)</source>
        <translation>字错误率 %1（Δ %2 个百分点）</translation>
    </message>
    <message>
        <source>|w| removed %1</source>
        <translation>移除的 |w| %1</translation>
    </message>
    <message>
        <source>Latency %1 ms (dense %2 ms)</source>
        <translation>延迟 %1 毫秒（稠密 %2 毫秒）</translation>
    </message>
    <message>
        <source>%1 weights</source>
        <translation>%1 个权重</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>稀疏度</translation>
    </message>
    <message>
        <source>No analysis yet</source>
        <translation>尚无分析</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::JobPanel</name>
    <message>
        <source>%1 (step %2 of %3)</source>
        <translation>%1（第 %2 步，共 %3 步）</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::LatencyBoxPlot</name>
    <message>
        <source>Latency (ms)</source>
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <source>No benchmark yet: pick a device and models, then Run</source>
        <translation>尚无基准测试：请选择设备和模型，然后运行</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::LatencyTableModel</name>
    <message>
        <source>median of %1 samples; p90 %2 ms</source>
        <translation>%1 个样本的中位数；p90 %2 毫秒</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>%1 CER</source>
        <translation>%1 CER</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 vs %2</source>
        <translation>%1 相对 %2</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::LayerBarPlot</name>
    <message>
        <source>ms per inference</source>
        <translation>每次推理毫秒数</translation>
    </message>
    <message>
        <source>The time per layer appears after a benchmark</source>
        <translation>基准测试完成后显示逐层耗时</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::MainWindow</name>
    <message>
        <source>About Espalier</source>
        <translation>关于 Espalier</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Espalier %1&lt;/h3&gt;&lt;p&gt;A workbench for compressing, training and deploying speech-recognition models.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Espalier %1&lt;/h3&gt;&lt;p&gt;语音识别模型的压缩、训练与部署工作台。&lt;/p&gt;&lt;p&gt;依据 GNU GPL 第 3 版或更高版本授权。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The project could not be opened</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <source>%1 — Espalier</source>
        <translation>%1 — Espalier</translation>
    </message>
    <message>
        <source>Espalier</source>
        <translation>Espalier</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New Project…</source>
        <translation>新建项目(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <source>Create &amp;Demo Project</source>
        <translation>创建演示项目(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Recent Projects</source>
        <translation>最近的项目(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Espalier</source>
        <translation>关于 Espalier(&amp;A)</translation>
    </message>
    <message>
        <source>Project: %1</source>
        <translation>项目：%1</translation>
    </message>
    <message>
        <source>No project open</source>
        <translation>未打开项目</translation>
    </message>
    <message>
        <source>Tasks are running</source>
        <translation>仍有任务在运行</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Cancel them and quit? A training run writes a checkpoint first, so it can be resumed later.</source>
        <translation>取消这些任务并退出吗？训练任务会先写入检查点，之后可以继续。</translation>
    </message>
    <message>
        <source>Cancel tasks and quit</source>
        <translation>取消任务并退出</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续工作</translation>
    </message>
    <message>
        <source>Stopping the running tasks…</source>
        <translation>正在停止运行中的任务…</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>One task is still running: %1.</source>
        <translation>还有一个任务在运行：%1。</translation>
    </message>
    <message>
        <source>%1 tasks are still running: %2.</source>
        <translation>还有 %1 个任务在运行：%2。</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::MetricPlot</name>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::NewRunForm</name>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>语料库</translation>
    </message>
    <message>
        <source>Model size</source>
        <translation>模型规模</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Time budget</source>
        <translation>时间预算</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>运行名称</translation>
    </message>
    <message>
        <source>as in the template</source>
        <translation>与模板相同</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>fp32</source>
        <translation>fp32</translation>
    </message>
    <message>
        <source>bf16 autocast</source>
        <translation>bf16 自动混合精度</translation>
    </message>
    <message>
        <source>fp16 + loss scaling (CUDA)</source>
        <translation>fp16 + 损失缩放（CUDA）</translation>
    </message>
    <message>
        <source>fp16 + loss scaling (needs CUDA)</source>
        <translation>fp16 + 损失缩放（需要 CUDA）</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Training ends after this many minutes (the run is then complete and its test sets are evaluated); 0 = no time budget.</source>
        <translation>训练在这么多分钟后结束（运行随即完成，并评估各测试集）；0 表示不限时间。</translation>
    </message>
    <message>
        <source>A shipped training config (resources/configs): optimiser, schedule, batching and features come from it.</source>
        <translation>随软件提供的训练配置（resources/configs）：优化器、学习率计划、批处理和特征设置均取自该配置。</translation>
    </message>
    <message>
        <source>the template&apos;s name</source>
        <translation>模板的名称</translation>
    </message>
    <message>
        <source>Pruning recipe</source>
        <translation>剪枝配方</translation>
    </message>
    <message>
        <source>Recipes (*.yaml *.yml);;All files (*)</source>
        <translation>配方 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>none: dense training</source>
        <translation>无：稠密训练</translation>
    </message>
    <message>
        <source>A pruning recipe (docs/formats/recipe.md) followed during training</source>
        <translation>训练过程中遵循的剪枝配方（docs/formats/recipe.md）</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::OpParamForm</name>
    <message>
        <source>One of: %1</source>
        <translation>可选值：%1</translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation>范围：%1 至 %2</translation>
    </message>
    <message>
        <source>Choose the file for %1</source>
        <translation>为 %1 选择文件</translation>
    </message>
    <message>
        <source>default: %1</source>
        <translation>默认：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Select an op in the pipeline to edit its parameters.</source>
        <translation>在流水线中选择一个操作以编辑其参数。</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>How often the op is applied (0 to 1)</source>
        <translation>应用此操作的概率（0 到 1）</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Leave %1 out: the op&apos;s default applies</source>
        <translation>不设置 %1：使用该操作的默认值</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::PipelineEditor</name>
    <message>
        <source>Pipeline</source>
        <translation>增强流水线</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>预设(&amp;P)：</translation>
    </message>
    <message>
        <source>Built-in pipelines; choosing one replaces the pipeline shown (your own stays in the list to come back to)</source>
        <translation>内置流水线；选择后将替换当前显示的流水线（您自己的流水线仍保留在列表中，可随时切换回来）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add an op after the selected one</source>
        <translation>在所选操作之后添加一个操作</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move the op up</source>
        <translation>上移操作</translation>
    </message>
    <message>
        <source>Move the op down</source>
        <translation>下移操作</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>加载……</translation>
    </message>
    <message>
        <source>Load a pipeline from a YAML file</source>
        <translation>从 YAML 文件加载流水线</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存……</translation>
    </message>
    <message>
        <source>Save the pipeline as YAML, for training and espalier-cli</source>
        <translation>将流水线保存为 YAML，供训练和 espalier-cli 使用</translation>
    </message>
    <message>
        <source>waveform</source>
        <translation>波形</translation>
    </message>
    <message>
        <source>features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Edited pipeline</source>
        <translation>已编辑的流水线</translation>
    </message>
    <message>
        <source>%1 (modified)</source>
        <translation>%1（已修改）</translation>
    </message>
    <message>
        <source>Your pipeline (not saved)</source>
        <translation>您的流水线（未保存）</translation>
    </message>
    <message>
        <source>Cannot add %1: %2</source>
        <translation>无法添加%1：%2</translation>
    </message>
    <message>
        <source>Cannot save the pipeline</source>
        <translation>无法保存流水线</translation>
    </message>
    <message>
        <source>Cannot load the pipeline</source>
        <translation>无法加载流水线</translation>
    </message>
    <message>
        <source>Save pipeline</source>
        <translation>保存流水线</translation>
    </message>
    <message>
        <source>Pipelines (*.yaml *.yml);;All files (*)</source>
        <translation>流水线 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load pipeline</source>
        <translation>加载流水线</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::PipelineTableModel</name>
    <message>
        <source>Op</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::ProjectPage</name>
    <message>
        <source>The demo project could not be created</source>
        <translation>无法创建演示项目</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Choose an empty folder for the new project</source>
        <translation>为新项目选择一个空文件夹</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <source>Project name:</source>
        <translation>项目名称：</translation>
    </message>
    <message>
        <source>The project could not be created</source>
        <translation>无法创建项目</translation>
    </message>
    <message>
        <source>Open a project folder</source>
        <translation>打开项目文件夹</translation>
    </message>
    <message>
        <source>No project is open. Create one, open a folder, or start with the demo project.</source>
        <translation>尚未打开项目。请新建项目、打开已有文件夹，或从演示项目开始。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Folder: %2&lt;br&gt;Sample rate: %3 Hz</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;文件夹：%2&lt;br&gt;采样率：%3 Hz</translation>
    </message>
    <message>
        <source>No corpora yet.</source>
        <translation>尚无语料库。</translation>
    </message>
    <message>
        <source>Corpora:</source>
        <translation>语料库：</translation>
    </message>
    <message>
        <source>Welcome to Espalier</source>
        <translation>欢迎使用 Espalier</translation>
    </message>
    <message>
        <source>No data of your own yet? The demo project synthesises a small Mandarin corpus with espeak-ng (several voices, rates and pitches), a Cantonese dialect subset and a noisy subset, split into train, dev and three test sets, so every step of the workflow can be tried at once.</source>
        <translation>还没有自己的数据？演示项目会用 espeak-ng 合成一个小型普通话语料库（多种音色、语速和音高），外加粤语方言子集和带噪子集，并划分为训练集、验证集和三个测试集，让您立即体验完整的工作流程。</translation>
    </message>
    <message>
        <source>Create demo project</source>
        <translation>创建演示项目</translation>
    </message>
    <message>
        <source>New project…</source>
        <translation>新建项目…</translation>
    </message>
    <message>
        <source>Open project…</source>
        <translation>打开项目…</translation>
    </message>
    <message>
        <source>Recent projects</source>
        <translation>最近的项目</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::ReportsPage</name>
    <message>
        <source>Save report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <source>HTML (*.html);;Markdown (*.md);;CSV (*.csv)</source>
        <translation>HTML (*.html);;Markdown (*.md);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Read the run store</source>
        <translation>读取运行库</translation>
    </message>
    <message>
        <source>&lt;p&gt;Tick the runs the report compares (or choose them on the Results page and press Report…). The first one is the baseline unless you choose another.&lt;/p&gt;</source>
        <translation>&lt;p&gt;勾选报告要对比的运行（或在“结果”页选中后点“报告…”）。除非另选，第一个运行即为基线。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Build the report preview</source>
        <translation>生成报告预览</translation>
    </message>
    <message>
        <source>Runs in the report</source>
        <translation>报告中的运行</translation>
    </message>
    <message>
        <source>Baseline:</source>
        <translation>基线：</translation>
    </message>
    <message>
        <source>Fold seeds (mean ± sd)</source>
        <translation>合并随机种子（均值 ± 标准差）</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::ResultsPage</name>
    <message>
        <source>Tag runs</source>
        <translation>为运行加标签</translation>
    </message>
    <message>
        <source>Tag (a leading - removes it):</source>
        <translation>标签（前加 - 表示移除）：</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Note on the selected runs:</source>
        <translation>所选运行的备注：</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and everything in their folders (checkpoints, results, logs)? This cannot be undone.

%1</source>
        <translation>
            <numerusform>删除 %n 个运行及其目录中的全部内容（检查点、结果、日志）？此操作无法撤销。

%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Config filter &apos;%1&apos;: write key=value, e.g. optimizer.lr=0.002</source>
        <translation>配置筛选“%1”：请写成 键=值，例如 optimizer.lr=0.002</translation>
    </message>
    <message>
        <source>Read the run store</source>
        <translation>读取运行库</translation>
    </message>
    <message>
        <source>Select runs above (Ctrl or Shift for several) to compare them.</source>
        <translation>在上方选择运行（按住 Ctrl 或 Shift 可多选）进行对比。</translation>
    </message>
    <message>
        <source> (baseline)</source>
        <translation>（基线）</translation>
    </message>
    <message>
        <source>Changes against the baseline in brackets (points for CER and sparsity). The runs&apos; settings are the same.</source>
        <translation>括号内为相对基线的变化（CER 与稀疏度以百分点计）。这些运行的配置相同。</translation>
    </message>
    <message>
        <source>Changes against the baseline in brackets (points for CER and sparsity); below the metrics, only the settings that differ.</source>
        <translation>括号内为相对基线的变化（CER 与稀疏度以百分点计）；指标下方只列出取值不同的设置。</translation>
    </message>
    <message>
        <source>Archive runs</source>
        <translation>归档运行</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>every kind</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>pruning</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>any state</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>config, e.g. optimizer.lr=0.002, precision=bf16</source>
        <translation>配置，例如 optimizer.lr=0.002, precision=bf16</translation>
    </message>
    <message>
        <source>search id, name, note</source>
        <translation>搜索编号、名称、备注</translation>
    </message>
    <message>
        <source>Archived too</source>
        <translation>包括已归档</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>标签…</translation>
    </message>
    <message>
        <source>Note…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Comparison of the selected runs</source>
        <translation>所选运行的对比</translation>
    </message>
    <message>
        <source>Baseline:</source>
        <translation>基线：</translation>
    </message>
    <message>
        <source>Fold seeds (mean ± sd)</source>
        <translation>合并随机种子（均值 ± 标准差）</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <source>CER against sparsity</source>
        <translation>CER 与稀疏度</translation>
    </message>
    <message>
        <source>Sparsity (%)</source>
        <translation>稀疏度 (%)</translation>
    </message>
    <message>
        <source>CER</source>
        <translation>CER</translation>
    </message>
    <message>
        <source>No finished run with this test set</source>
        <translation>没有在此测试集上完成的运行</translation>
    </message>
    <message>
        <source>No runs to show. Train one on the Train page (or with espalier-cli train); it appears here while it runs.</source>
        <translation>没有可显示的运行。请在“训练”页面训练一个（或使用 espalier-cli train）；它在运行期间就会出现在这里。</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>研究</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::RunTableModel</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Best dev CER</source>
        <translation>最佳验证集字错误率</translation>
    </message>
    <message>
        <source>CER %1</source>
        <translation>字错误率 %1</translation>
    </message>
    <message>
        <source>dense</source>
        <translation>稠密</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>稀疏度</translation>
    </message>
    <message>
        <source>prune</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::SchedulePage</name>
    <message>
        <source>Load recipe</source>
        <translation>加载配方</translation>
    </message>
    <message>
        <source>Recipes (*.yaml *.yml);;All files (*)</source>
        <translation>配方 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <source>Recipes (*.yaml *.yml)</source>
        <translation>配方 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>剪枝计划</translation>
    </message>
    <message>
        <source>Pruning schedule</source>
        <translation>剪枝计划</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>加载……</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存……</translation>
    </message>
    <message>
        <source>Train with this recipe</source>
        <translation>用此配方训练</translation>
    </message>
    <message>
        <source>Saves the recipe and sets it as the Train page&apos;s pruning recipe</source>
        <translation>保存配方，并将其设为“训练”页的剪枝配方</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Target sparsity (%)</source>
        <translation>目标稀疏度（%）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Cannot load the recipe</source>
        <translation>无法加载配方</translation>
    </message>
    <message>
        <source>Cannot save the recipe</source>
        <translation>无法保存配方</translation>
    </message>
    <message>
        <source># Save the recipe first (Save…) as the file named below.</source>
        <translation># 请先用“保存……”将配方保存为下面命令中的文件。</translation>
    </message>
    <message>
        <source>Stages</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Add stage</source>
        <translation>添加阶段</translation>
    </message>
    <message>
        <source>Remove stage</source>
        <translation>删除阶段</translation>
    </message>
    <message>
        <source>Compare with run:</source>
        <translation>与运行对比：</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>作用</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Achieved</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>Solid: the sparsity the masks follow, updated every &apos;Update every&apos;; dashed: the curve; orange: what the compared run achieved</source>
        <translation>实线：掩码遵循的稀疏度，每隔“更新间隔”更新一次；虚线：曲线本身；橙色：所对比运行实际达到的稀疏度</translation>
    </message>
    <message>
        <source>Stage %1: %2</source>
        <translation>阶段 %1：%2</translation>
    </message>
    <message>
        <source>A layer stage is applied in one shot (espalier-cli prune): no schedule</source>
        <translation>层剪枝阶段一次性应用（espalier-cli prune）：没有调度曲线</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Choose a run of the project to see each tensor&apos;s target beside what it achieved.</source>
        <translation>选择项目中的一个运行，查看每个张量的目标稀疏度与实际稀疏度。</translation>
    </message>
    <message>
        <source>Reading the run&apos;s checkpoint…</source>
        <translation>正在读取该运行的检查点…</translation>
    </message>
    <message>
        <source>not pruned</source>
        <translation>不剪枝</translation>
    </message>
    <message>
        <source># One shot on a trained model (structured and layer stages shrink it):</source>
        <translation># 对已训练模型一次性剪枝（结构化和层剪枝阶段会缩小模型）：</translation>
    </message>
    <message>
        <source>global pool (one threshold)</source>
        <translation>全局池（统一阈值）</translation>
    </message>
    <message>
        <source>in the pool</source>
        <translation>在全局池中</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n row(s) more than 2 points from the recipe&apos;s final target (red)</source>
        <translation>
            <numerusform>%1：%n 行与配方最终目标相差超过 2 个百分点（红色）</numerusform>
        </translation>
    </message>
    <message>
        <source>Read the run&apos;s checkpoint</source>
        <translation>读取该运行的检查点</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::SensitivityPage</name>
    <message>
        <source>Open sensitivity result</source>
        <translation>打开敏感度结果</translation>
    </message>
    <message>
        <source>Sensitivity results (*.json)</source>
        <translation>敏感度结果 (*.json)</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Checkpoints (*.pt)</source>
        <translation>检查点 (*.pt)</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>清单</translation>
    </message>
    <message>
        <source>Save recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <source>Recipes (*.yaml)</source>
        <translation>配方 (*.yaml)</translation>
    </message>
    <message>
        <source>Export heatmap</source>
        <translation>导出热力图</translation>
    </message>
    <message>
        <source>Images (*.png *.pdf)</source>
        <translation>图像 (*.png *.pdf)</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Sensitivity analysis</source>
        <translation>敏感度分析</translation>
    </message>
    <message>
        <source>front/head</source>
        <translation>前端/输出层</translation>
    </message>
    <message>
        <source>block %1</source>
        <translation>块 %1</translation>
    </message>
    <message>
        <source>sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <source>Run or open an analysis first</source>
        <translation>请先运行或打开一个分析</translation>
    </message>
    <message>
        <source>Global sparsity %1 %</source>
        <translation>全局稀疏度 %1 %</translation>
    </message>
    <message>
        <source>Loss ↔ speed %1</source>
        <translation>损失 ↔ 速度 %1</translation>
    </message>
    <message>
        <source>%1 % of the analysed weights; predicted Δ loss %2</source>
        <translation>已分析权重的 %1 %；预测 Δ 损失 %2</translation>
    </message>
    <message>
        <source>; latency %1 → %2 ms</source>
        <translation>；延迟 %1 → %2 毫秒</translation>
    </message>
    <message>
        <source> (no latency measured: ranked by loss only)</source>
        <translation>（未测量延迟：仅按损失排序）</translation>
    </message>
    <message>
        <source>Layer sensitivity</source>
        <translation>逐层敏感度</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>A run of the project (its best checkpoint) or a checkpoint file</source>
        <translation>项目中的一个运行（其最佳检查点）或一个检查点文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Utterances:</source>
        <translation>语句：</translation>
    </message>
    <message>
        <source>A manifest or split folder of validation utterances (not the training set)</source>
        <translation>验证语句的清单或子集文件夹（不要用训练集）</translation>
    </message>
    <message>
        <source>Subset:</source>
        <translation>子集：</translation>
    </message>
    <message>
        <source> utterances</source>
        <translation> 条语句</translation>
    </message>
    <message>
        <source>all utterances</source>
        <translation>全部语句</translation>
    </message>
    <message>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Coupled groups (q/k/v, FFN)</source>
        <translation>耦合组（q/k/v、前馈网络）</translation>
    </message>
    <message>
        <source>FFN units and conv channels</source>
        <translation>前馈单元和卷积通道</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Whole blocks (dropped)</source>
        <translation>整块（移除）</translation>
    </message>
    <message>
        <source>Levels:</source>
        <translation>稀疏度档位：</translation>
    </message>
    <message>
        <source>Sparsity levels, comma-separated, from 0, below 1</source>
        <translation>稀疏度档位，以逗号分隔，从 0 开始，小于 1</translation>
    </message>
    <message>
        <source>Stop a row at Δ loss:</source>
        <translation>Δ 损失超过此值时停止该行：</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Time each layer&apos;s dense and sparse kernels on this CPU (latency sensitivity)</source>
        <translation>在本机 CPU 上为每层的稠密和稀疏内核计时（延迟敏感度）</translation>
    </message>
    <message>
        <source>Run analysis</source>
        <translation>运行分析</translation>
    </message>
    <message>
        <source>Open result…</source>
        <translation>打开结果……</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>颜色：</translation>
    </message>
    <message>
        <source>Export image…</source>
        <translation>导出图像……</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV……</translation>
    </message>
    <message>
        <source>Sparsity (%)</source>
        <translation>稀疏度（%）</translation>
    </message>
    <message>
        <source>Click a row of the heatmap</source>
        <translation>点击热力图中的一行</translation>
    </message>
    <message>
        <source>Per block, the mean relative loss rise over the grid (the seed&apos;s per-layer sensitivity)</source>
        <translation>每个块在各档位上的平均相对损失增幅（即原文中的逐层敏感度）</translation>
    </message>
    <message>
        <source>Per-layer targets</source>
        <translation>逐层目标</translation>
    </message>
    <message>
        <source>Bounds per tensor:</source>
        <translation>每个张量的上下限：</translation>
    </message>
    <message>
        <source>min </source>
        <translation>最小 </translation>
    </message>
    <message>
        <source>max </source>
        <translation>最大 </translation>
    </message>
    <message>
        <source>Save recipe…</source>
        <translation>保存配方……</translation>
    </message>
    <message>
        <source>Use in Schedule</source>
        <translation>用于剪枝计划</translation>
    </message>
    <message>
        <source>Per-block sensitivity appears with the first cells</source>
        <translation>逐块敏感度随第一批结果出现</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::SpectrogramPlot</name>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>Mel bin</source>
        <translation>梅尔频带</translation>
    </message>
    <message>
        <source>Log energy</source>
        <translation>对数能量</translation>
    </message>
    <message>
        <source>No features</source>
        <translation>无特征</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::SplitStatsModel</name>
    <message>
        <source>Shortest %1 s, longest %2 s</source>
        <translation>最短 %1 秒，最长 %2 秒</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Transcript characters after normalisation</source>
        <translation>规范化后的转写字符数</translation>
    </message>
    <message>
        <source>Distinct characters after normalisation</source>
        <translation>规范化后的不同字符数</translation>
    </message>
    <message>
        <source>Distinct speakers (– when the manifest does not say)</source>
        <translation>不同说话人数（清单未注明时显示 –）</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>子集</translation>
    </message>
    <message>
        <source>Utterances</source>
        <translation>语句数</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>时长（小时）</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>字符数</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Speakers</source>
        <translation>说话人数</translation>
    </message>
    <message>
        <source>Mean duration</source>
        <translation>平均时长</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::StageEditor</name>
    <message>
        <source>Unstructured</source>
        <translation>非结构化</translation>
    </message>
    <message>
        <source>Structured</source>
        <translation>结构化</translation>
    </message>
    <message>
        <source>Dynamic sparse</source>
        <translation>动态稀疏</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层剪枝</translation>
    </message>
    <message>
        <source>Layer: drop blocks %1</source>
        <translation>层剪枝：删除第 %1 块</translation>
    </message>
    <message numerus="yes">
        <source>Layer: drop the %n least sensitive block(s)</source>
        <translation>
            <numerusform>层剪枝：删除敏感度最低的 %n 个块</numerusform>
        </translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>FFN units</source>
        <translation>前馈单元</translation>
    </message>
    <message>
        <source>Structured (%1): %2 removed</source>
        <translation>结构化（%1）：移除 %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1, %2 %3 to %4 %5</source>
        <translation>%1，%2，%3 至 %4 %5</translation>
    </message>
    <message>
        <source>Curve</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Counted in</source>
        <translation>计数单位</translation>
    </message>
    <message>
        <source>Initial sparsity</source>
        <translation>初始稀疏度</translation>
    </message>
    <message>
        <source>Final sparsity</source>
        <translation>最终稀疏度</translation>
    </message>
    <message>
        <source>Begin</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Update every</source>
        <translation>更新间隔</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>Never prune</source>
        <translation>永不剪枝</translation>
    </message>
    <message>
        <source>Re-score every</source>
        <translation>重新评分间隔</translation>
    </message>
    <message>
        <source>Calibration utterances</source>
        <translation>校准语句数</translation>
    </message>
    <message>
        <source>Regrow fraction</source>
        <translation>再生比例</translation>
    </message>
    <message>
        <source>Mask learning rate η</source>
        <translation>掩码学习率 η</translation>
    </message>
    <message>
        <source>Inactive decay λ</source>
        <translation>非激活衰减 λ</translation>
    </message>
    <message>
        <source>Drop blocks</source>
        <translation>删除块数</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>块</translation>
    </message>
    <message>
        <source>global (one threshold)</source>
        <translation>全局（统一阈值）</translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>optimiser steps</source>
        <translation>优化器步数</translation>
    </message>
    <message>
        <source>feed-forward units</source>
        <translation>前馈单元</translation>
    </message>
    <message>
        <source>attention heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Patterns separated by spaces: __ALL_PRUNABLE__, a glob such as encoder.blocks.*.feed_forward.*, or re:&lt;regular expression&gt;</source>
        <translation>以空格分隔的模式：__ALL_PRUNABLE__、通配符（如 encoder.blocks.*.feed_forward.*）或 re:&lt;正则表达式&gt;</translation>
    </message>
    <message>
        <source>nothing excluded</source>
        <translation>不排除任何参数</translation>
    </message>
    <message>
        <source>Channel importance (the L2 norm of each channel&apos;s feature map) is measured again after this many units; the seed re-scores every 5 epochs</source>
        <translation>经过这么多单位后重新测量通道重要性（每个通道特征图的 L2 范数）；原文每 5 个轮次重新评分</translation>
    </message>
    <message>
        <source>Share of the active weights dropped and regrown at the first update, decayed to 0 at End (RigL&apos;s cosine)</source>
        <translation>首次更新时被删除并再生的激活权重比例，到“结束”时衰减为 0（RigL 的余弦衰减）</translation>
    </message>
    <message>
        <source>η: how fast the regrowth scores (a running mean of |gradient|) follow new gradients</source>
        <translation>η：再生评分（|梯度| 的滑动平均）跟随新梯度的速度</translation>
    </message>
    <message>
        <source>λ: per-step decay of a dropped weight&apos;s kept value, restored if it regrows</source>
        <translation>λ：被删除权重保留值的每步衰减，再生时恢复</translation>
    </message>
    <message>
        <source>How many blocks to drop, least sensitive first (0: use the list below)</source>
        <translation>删除多少个块，敏感度最低的优先（0：使用下方列表）</translation>
    </message>
    <message>
        <source>block indices, e.g. 2 5</source>
        <translation>块编号，例如 2 5</translation>
    </message>
    <message>
        <source>Own final sparsity for:</source>
        <translation>单独设置最终稀疏度：</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>通道组</translation>
    </message>
    <message>
        <source>* (every block), or e.g. encoder.blocks.*.feed_forward</source>
        <translation>*（所有块），或例如 encoder.blocks.*.feed_forward</translation>
    </message>
    <message>
        <source>conv channels</source>
        <translation>卷积通道</translation>
    </message>
    <message>
        <source>subsampling conv channels</source>
        <translation>下采样卷积通道</translation>
    </message>
    <message>
        <source>The output channels of the front end&apos;s two 3×3 convolutions, a large share of the compute</source>
        <translation>前端两个 3×3 卷积的输出通道，占计算量的很大一部分</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::StudiesPanel</name>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Read the studies</source>
        <translation>读取研究</translation>
    </message>
    <message>
        <source>%1  (%2 done)</source>
        <translation>%1（已完成 %2）</translation>
    </message>
    <message>
        <source>No studies in this project yet. A study is a grid of runs over a base config, for example sparsity × seed:
%1</source>
        <translation>此项目还没有研究。研究是在一个基础配置上按网格展开的一组运行，例如稀疏度 × 随机种子：
%1</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Best dev CER</source>
        <translation>最佳验证集字错误率</translation>
    </message>
    <message>
        <source>CER %1</source>
        <translation>字错误率 %1</translation>
    </message>
    <message>
        <source>Study:</source>
        <translation>研究：</translation>
    </message>
    <message>
        <source>Run the cells not yet done, resuming interrupted ones</source>
        <translation>运行尚未完成的单元，并从检查点续跑已中断的单元</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the running cell with a checkpoint; Run continues it</source>
        <translation>保存检查点后停止正在运行的单元；再次点击“运行”即从该处继续</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::TaskPanel</name>
    <message>
        <source>No task is running.</source>
        <translation>没有正在运行的任务。</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::TaskRow</name>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>%1 (step %2 of %3)</source>
        <translation>%1（第 %2 步，共 %3 步）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::TaskStatusButton</name>
    <message>
        <source>Show or hide the running tasks</source>
        <translation>显示或隐藏运行中的任务</translation>
    </message>
    <message>
        <source>1 task · %1 %</source>
        <translation>1 个任务 · %1 %</translation>
    </message>
    <message>
        <source>%1 tasks · %2 %</source>
        <translation>%1 个任务 · %2 %</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::TrainPage</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>新建运行</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Runs of this project</source>
        <translation>本项目的运行</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Write a checkpoint and stop; Resume continues the same run.</source>
        <translation>写入检查点后停止；“继续”会接着运行同一次训练。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Show command</source>
        <translation>显示命令</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>CER per test set (best checkpoint)</source>
        <translation>各测试集字错误率（最佳检查点）</translation>
    </message>
    <message>
        <source>Test set</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>CER</source>
        <translation>字错误率</translation>
    </message>
    <message>
        <source>Substitutions</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>Deletions</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Insertions</source>
        <translation>插入</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Loss scale</source>
        <translation>损失缩放系数</translation>
    </message>
    <message>
        <source>Dev CER (%)</source>
        <translation>验证集字错误率（%）</translation>
    </message>
    <message>
        <source>The run could not be created</source>
        <translation>无法创建运行</translation>
    </message>
    <message>
        <source>The run could not be started</source>
        <translation>无法启动运行</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>(S + D + I) / N</source>
        <translation>(S + D + I) / N</translation>
    </message>
    <message>
        <source>Reference characters</source>
        <translation>参考文本字符数</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>CTC loss per utterance, mean over the logged steps</source>
        <translation>每条语句的 CTC 损失，按记录间隔内的步数取平均</translation>
    </message>
    <message>
        <source>The fp16 loss scale (1 in fp32 and bf16)</source>
        <translation>fp16 的损失缩放系数（fp32 和 bf16 下为 1）</translation>
    </message>
    <message>
        <source>Utt / s</source>
        <translation>语句 / 秒</translation>
    </message>
    <message>
        <source>Training throughput in utterances per second</source>
        <translation>训练吞吐量（每秒语句数）</translation>
    </message>
    <message>
        <source>Sparsity (%)</source>
        <translation>稀疏度（%）</translation>
    </message>
    <message>
        <source>Zeros the pruning masks impose (solid) and the recipe&apos;s target (dashed)</source>
        <translation>剪枝掩码实际置零的比例（实线）与配方目标（虚线）</translation>
    </message>
    <message>
        <source>No pruning in this run</source>
        <translation>此次运行未剪枝</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::UtterancePicker</name>
    <message>
        <source>Filter by key, transcript or speaker</source>
        <translation>按编号、转写文本或说话人筛选</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载……</translation>
    </message>
    <message numerus="yes">
        <source>%n utterance(s)</source>
        <translation>
            <numerusform>%n 条语句</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n utterance(s)</source>
        <translation>
            <numerusform>%1 / %n 条语句</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Corpus:</source>
        <translation>语料库(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Split:</source>
        <translation>子集(&amp;S)：</translation>
    </message>
    <message>
        <source>No corpus in this project</source>
        <translation>此项目中没有语料库</translation>
    </message>
    <message>
        <source>Cannot read corpus</source>
        <translation>无法读取语料库</translation>
    </message>
    <message>
        <source>Cannot read manifest</source>
        <translation>无法读取清单文件</translation>
    </message>
    <message numerus="yes">
        <source>%n malformed line(s) skipped</source>
        <translation>
            <numerusform>已跳过 %n 行格式错误的内容</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>……还有 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>No corpus</source>
        <translation>无语料库</translation>
    </message>
    <message>
        <source>Read the corpus&apos;s splits</source>
        <translation>读取语料库的划分</translation>
    </message>
    <message>
        <source>Read a manifest</source>
        <translation>读取清单</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::UtteranceTableModel</name>
    <message>
        <source>Key</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>转写文本</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>时长（秒）</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
</context>
<context>
    <name>espalier::widgets::WaveformPlot</name>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>Amplitude</source>
        <translation>幅度</translation>
    </message>
    <message>
        <source>No audio</source>
        <translation>无音频</translation>
    </message>
</context>
</TS>
